from __future__ import annotations

from tests.support.events import case_registered
from tests.support.fakes import FakeTransaction
from wbs_investigation.domain.case_file import CaseFile, CaseFileStatus
from wbs_investigation.usecases import open_case_file


class FakeCaseFiles(FakeTransaction):
    def __init__(self) -> None:
        self.opened: list[CaseFile] = []
        self.case_files = self

    async def open(self, case_file: CaseFile) -> bool:
        self.opened.append(case_file)
        return True


async def test_a_registered_case_enters_the_register_awaiting_telaah() -> None:
    files = FakeCaseFiles()
    event = case_registered(tenant="pemkab-lebak", sequence=12)
    await open_case_file(event, files)
    [case_file] = files.opened
    assert case_file.case_id == event.data.case_id
    assert case_file.tenant == "pemkab-lebak"
    assert case_file.agenda_number.endswith("/0012")
    assert case_file.status is CaseFileStatus.MENUNGGU_TELAAH

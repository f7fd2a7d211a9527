from __future__ import annotations

from wbs_gateway.routes import match


def test_paths_go_to_the_service_that_owns_them() -> None:
    assert match("/api/v1/reports").service == "intake"  # type: ignore[union-attr]
    assert match("/api/v1/reports/WBS-0000-0000-0000").service == "intake"  # type: ignore[union-attr]
    assert match("/api/v1/reports/status").service == "intake"  # type: ignore[union-attr]
    assert match("/api/v1/tenants/bps-1700").service == "intake"  # type: ignore[union-attr]


def test_statistics_of_a_tenant_go_to_reporting_which_lets_only_officers_see_them() -> None:
    assert match("/api/v1/tenants/bps-1700/statistics").service == "reporting"  # type: ignore[union-attr]
    assert match("/api/v1/tenants/bps-1700/statisticsX").service == "intake"  # type: ignore[union-attr]
    assert match("/api/v1/tenants//statistics").service == "intake"  # type: ignore[union-attr]
    assert match("/api/v1/statistics/bps-1700") is None  # the old internal path
    assert match("/api/v1/statistics") is None


def test_the_home_page_is_intakes_but_not_everything_below_it() -> None:
    assert match("/").service == "intake"  # type: ignore[union-attr]
    assert match("/assets/app.js").service == "intake"  # type: ignore[union-attr]
    assert match("/anything-else") is None


def test_unknown_paths_and_lookalike_prefixes_match_nothing() -> None:
    assert match("/api/v1/reportsX") is None
    assert match("/api/v2/reports") is None
    assert match("/internal/outbox") is None
    assert match("/internal/v1/assertions") is None


def test_officers_pages_and_the_shared_page_files_are_directorys() -> None:
    for path in ("/masuk", "/masuk/kode", "/keluar", "/keluar/semua", "/akun", "/akun/totp", "/bahasa"):
        assert match(path).service == "directory", path  # type: ignore[union-attr]
    assert match("/static/wbs/wbs.css").service == "directory"  # type: ignore[union-attr]


def test_tenant_administration_pages_are_directorys() -> None:
    for path in ("/admin/bps-1700", "/admin/bps-1700/kebijakan", "/admin/bps-1700/petugas/baru"):
        assert match(path).service == "directory", path  # type: ignore[union-attr]
    assert match("/administrasi") is None
    assert match("/bahasa/x") is None
    assert match("/internal/v1/assertions") is None  # the gateway's own call, never from outside


def test_the_kotak_komunikasi_goes_to_intake_for_reporters_and_to_triage_for_officers() -> None:
    assert match("/api/v1/reporter/messages").service == "intake"  # type: ignore[union-attr]
    assert match("/pantau/kotak").service == "intake"  # type: ignore[union-attr]
    case = "/api/v1/tenants/bps-1700/cases/8f0b6c3e-4a7f-4b5e-9d2a-1c3e5f7a9b0d/messages"
    assert match(case).service == "triage"  # type: ignore[union-attr]


def test_a_case_is_triages_but_the_reporters_identity_is_intakes() -> None:
    case = "/api/v1/tenants/bps-3603/cases/00000000-0000-0000-0000-000000000001"
    assert match("/api/v1/tenants/bps-3603/cases").service == "triage"  # type: ignore[union-attr]
    assert match(case).service == "triage"  # type: ignore[union-attr]
    assert match(case + "/riwayat").service == "triage"  # type: ignore[union-attr]
    assert match(case + "/identity-disclosures").service == "intake"  # type: ignore[union-attr]
    assert match(case + "/identity-disclosures/x/decision").service == "intake"  # type: ignore[union-attr]
    assert match(case + "/identity").service == "intake"  # type: ignore[union-attr]
    assert match(case + "/identity/x").service == "triage"  # type: ignore[union-attr]
    assert match("/api/v1/tenants/bps-3600/reports").service == "intake"  # type: ignore[union-attr]
    assert match("/petugas/bps-3600/catat").service == "intake"  # type: ignore[union-attr]
    assert match("/perkara/bps-3600").service == "triage"  # type: ignore[union-attr]
    assert match("/perkara/bps-3600/x/pesan").service == "triage"  # type: ignore[union-attr]

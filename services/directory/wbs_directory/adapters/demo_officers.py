"""``python -m wbs_directory seed-demo-officers``: one demonstration account per role where it
makes sense, in the demonstration tenants that exist. Development only: never in a deployment.

Each account is made once, with a random password that is printed and kept (0600) in the file
``--output`` names, so ``make run`` can show them at every start. An account that exists already
is left alone; tenants that do not exist are skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Callable
from pathlib import Path

from wbs_contracts.roles import Role
from wbs_directory.adapters.db import SqlDirectoryUnitOfWork
from wbs_directory.adapters.passwords import Argon2Passwords
from wbs_directory.domain.officer import Grant
from wbs_directory.domain.passwords import temporary_password
from wbs_directory.usecases.officers import create_officer
from wbs_runtime.clock import utc_now
from wbs_runtime.db import create_engine, create_sessionmaker
from wbs_runtime.settings import ServiceSettings

R = Role
#: (login, display name, tenant, roles)
DEMO_OFFICERS: tuple[tuple[str, str, str, tuple[Role, ...]], ...] = (
    ("operator", "Operator Sistem", "bps", (R.OPERATOR,)),
    ("admin.bps", "Administrator BPS", "bps", (R.ADMINISTRATOR,)),
    ("admin.bps-1700", "Administrator BPS Provinsi Bengkulu", "bps-1700", (R.ADMINISTRATOR,)),
    ("petugas.bps-1700", "Petugas Pengaduan BPS Bengkulu", "bps-1700", (R.PETUGAS_PENGADUAN,)),
    ("pimpinan.bps-1700", "Kepala BPS Provinsi Bengkulu", "bps-1700", (R.PIMPINAN_SATKER,)),
    ("penelaah.bps-1700", "Penelaah BPS Bengkulu", "bps-1700", (R.PENELAAH,)),
    ("ketua.bps-1700", "Ketua Tim WBS BPS Bengkulu", "bps-1700", (R.KETUA_TIM,)),
    ("auditor.bps-1700", "Auditor BPS Bengkulu", "bps-1700", (R.AUDITOR,)),
    ("kustodian.bps-1700", "Kustodian BPS Bengkulu", "bps-1700", (R.CUSTODIAN,)),
    # BPS Provinsi Banten records reports from its many channels and forwards those for its satker
    # (seed 001); BPS Kabupaten Tangerang handles what it receives, and its custodian decides disclosures.
    ("petugas.bps-3600", "Petugas Pengaduan BPS Banten", "bps-3600", (R.PETUGAS_PENGADUAN,)),
    ("penelaah.bps-3603", "Penelaah BPS Kabupaten Tangerang", "bps-3603", (R.PENELAAH,)),
    ("kustodian.bps-3603", "Kustodian BPS Kabupaten Tangerang", "bps-3603", (R.CUSTODIAN,)),
    ("admin.inspektorat-bengkulu", "Administrator Inspektorat Bengkulu", "inspektorat-bengkulu", (R.ADMINISTRATOR,)),
    (
        "petugas.inspektorat-bengkulu",
        "Petugas Pengaduan Inspektorat Bengkulu",
        "inspektorat-bengkulu",
        (R.PETUGAS_PENGADUAN,),
    ),
    # Disposes reports to the telaah team (pimpinan satker) in the inspectorates.
    (
        "sekretaris.inspektorat-bengkulu",
        "Sekretaris Inspektorat Provinsi Bengkulu",
        "inspektorat-bengkulu",
        (R.PIMPINAN_SATKER,),
    ),
    ("penelaah.inspektorat-bengkulu", "Penelaah Inspektorat Bengkulu", "inspektorat-bengkulu", (R.PENELAAH,)),
    ("inspektur.inspektorat-bengkulu", "Inspektur Provinsi Bengkulu", "inspektorat-bengkulu", (R.KETUA_TIM,)),
    ("auditor.inspektorat-bengkulu", "Auditor Inspektorat Bengkulu", "inspektorat-bengkulu", (R.AUDITOR,)),
    ("kustodian.inspektorat-bengkulu", "Kustodian Inspektorat Bengkulu", "inspektorat-bengkulu", (R.CUSTODIAN,)),
    ("gubernur.inspektorat-bengkulu", "Gubernur Bengkulu", "inspektorat-bengkulu", (R.PIMPINAN_DAERAH,)),
    ("admin.inspektorat-lebak", "Administrator Inspektorat Lebak", "inspektorat-lebak", (R.ADMINISTRATOR,)),
    (
        "sekretaris.inspektorat-lebak",
        "Sekretaris Inspektorat Kabupaten Lebak",
        "inspektorat-lebak",
        (R.PIMPINAN_SATKER,),
    ),
    ("penelaah.inspektorat-lebak", "Penelaah Inspektorat Lebak", "inspektorat-lebak", (R.PENELAAH,)),
    ("inspektur.inspektorat-lebak", "Inspektur Kabupaten Lebak", "inspektorat-lebak", (R.KETUA_TIM,)),
    # A Surat Tugas names a ketua tim and a pengendali teknis, two officers: the Inspektur and an auditor.
    ("auditor.inspektorat-lebak", "Auditor Inspektorat Lebak", "inspektorat-lebak", (R.AUDITOR,)),
    ("bupati.inspektorat-lebak", "Bupati Lebak", "inspektorat-lebak", (R.PIMPINAN_DAERAH,)),
    ("kpk", "Pelanggan KPK", "kpk", (R.AGENCY_SUBSCRIBER,)),
    ("kejati-bengkulu", "Pelanggan Kejaksaan Tinggi Bengkulu", "kejati-bengkulu", (R.AGENCY_SUBSCRIBER,)),
    ("polda-bengkulu", "Pelanggan Polda Bengkulu", "polda-bengkulu", (R.AGENCY_SUBSCRIBER,)),
    ("kejari-lebak", "Pelanggan Kejaksaan Negeri Lebak", "kejari-lebak", (R.AGENCY_SUBSCRIBER,)),
    ("polres-lebak", "Pelanggan Polres Lebak", "polres-lebak", (R.AGENCY_SUBSCRIBER,)),
    ("lpsk", "Pelanggan LPSK", "lpsk", (R.AGENCY_SUBSCRIBER,)),
)


async def seed_demo_officers(uow: Callable[[], SqlDirectoryUnitOfWork]) -> list[tuple[str, str, str, str]]:
    """Creates the accounts that do not exist yet; (login, password, tenant, roles) of each."""
    async with uow() as work:
        tenants = set(await work.officers.tenant_parents())
        existing = {officer.login for officer in await work.officers.all()}
    hasher = Argon2Passwords()
    created = []
    for login, name, tenant, roles in DEMO_OFFICERS:
        if tenant not in tenants or login in existing:
            continue
        password = f"demo-{temporary_password()}"
        await create_officer(
            uow(),
            hasher,
            login=login,
            display_name=f"{name} (demo)",
            grants=[Grant(tenant, role) for role in roles],
            actor="launcher:demo",
            clock=utc_now,
            password=password,
            # The local SMTP server of ``make run`` keeps every message (wbs mail list): demo addresses
            # under a reserved name, so nothing could ever leave for a real mailbox.
            email=f"{login}@demo.wbs.example",
        )
        created.append((login, password, tenant, ",".join(role.value for role in roles)))
    return created


def _append(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.writelines(f"{line}\n" for line in lines)


def seed_command(parser: argparse.ArgumentParser) -> Callable[[ServiceSettings, argparse.Namespace], int]:
    parser.add_argument("--output", type=Path, help="simpan kata sandi di berkas ini / keep the passwords in this file")

    def run(settings: ServiceSettings, arguments: argparse.Namespace) -> int:
        async def main() -> list[tuple[str, str, str, str]]:
            engine = create_engine(settings.database_url, pool_size=1)
            try:
                sessionmaker = create_sessionmaker(engine)
                return await seed_demo_officers(lambda: SqlDirectoryUnitOfWork(sessionmaker, "directory"))
            finally:
                await engine.dispose()

        created = asyncio.run(main())
        lines = [f"{login:<32} {password:<26} {tenant:<22} {roles}" for login, password, tenant, roles in created]
        if arguments.output is not None:  # made even if empty: the launcher seeds when it is missing
            _append(arguments.output, lines)
        for line in lines:
            print(line)
        print(f"akun demo dibuat / demo accounts created: {len(created)}")
        return 0

    return run

from __future__ import annotations

import asyncpg
import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError

from tests.support.database_errors import as_sqlalchemy_raises
from wbs_runtime.crypto import MissingKey, SealedPayloadError
from wbs_runtime.errors import backoff, describe, is_infrastructure_error, is_unretryable


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
        asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
        asyncpg.exceptions.CrashShutdownError("crash"),
        asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
        asyncpg.exceptions.ConnectionFailureError("connection failure"),
        asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
        asyncpg.exceptions.SerializationError("could not serialize access"),
        asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_outages_are_recognised_through_sqlalchemys_wrapping(error: asyncpg.PostgresError) -> None:
    wrapped = as_sqlalchemy_raises(error)
    assert type(wrapped).__name__ == "DBAPIError"  # not OperationalError: why class checks are not enough
    assert is_infrastructure_error(wrapped)


@pytest.mark.parametrize(
    "error",
    [
        asyncpg.exceptions.UniqueViolationError("duplicate key value"),
        asyncpg.exceptions.ForeignKeyViolationError("violates foreign key"),
        asyncpg.exceptions.UndefinedTableError("relation does not exist"),
        asyncpg.exceptions.InvalidTextRepresentationError("invalid input syntax"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_data_and_programming_errors_are_not_outages(error: asyncpg.PostgresError) -> None:
    assert not is_infrastructure_error(as_sqlalchemy_raises(error))


def test_plain_network_errors_are_outages_and_bugs_are_not() -> None:
    assert is_infrastructure_error(ConnectionRefusedError())
    assert is_infrastructure_error(TimeoutError())
    assert not is_infrastructure_error(ValueError("bad data"))
    assert not is_infrastructure_error(KeyError("missing"))


def test_key_and_seal_failures_are_unretryable_even_when_wrapped() -> None:
    assert is_unretryable(MissingKey("no key"))
    outer = RuntimeError("while applying")
    outer.__cause__ = SealedPayloadError("tampered")
    assert is_unretryable(outer)
    assert not is_unretryable(ValueError("bad data"))


def test_backoff_grows_then_stays_at_its_cap_however_many_attempts() -> None:
    assert [backoff(n, 0.2, 10.0) for n in range(4)] == [0.2, 0.4, 0.8, 1.6]
    assert backoff(6, 0.2, 10.0) == 10.0
    assert backoff(5000, 0.2, 10.0) == 10.0  # 0.2 * 2**5000 would overflow a float
    assert backoff(-3, 0.2, 10.0) == 0.2


def test_an_error_described_for_storage_carries_no_parameters_detail_or_input() -> None:
    violation = asyncpg.exceptions.UniqueViolationError('duplicate key value violates unique constraint "case_pkey"')
    violation.detail = "Key (id)=(rahasia-pelapor) already exists."
    translated = as_sqlalchemy_raises(violation).orig
    assert isinstance(translated, Exception)
    wrapped = DBAPIError.instance("INSERT INTO case (id) VALUES ($1)", ("rahasia-pelapor",), translated, Exception)
    assert "rahasia-pelapor" in str(wrapped)  # what SQLAlchemy itself would log
    described = describe(wrapped)
    assert described == 'UniqueViolationError [23505]: duplicate key value violates unique constraint "case_pkey"'

    class Substance(BaseModel):
        amount_idr: int

    with pytest.raises(ValidationError) as invalid:
        Substance.model_validate({"amount_idr": "isi laporan yang dibuka"})
    assert "isi laporan" in str(invalid.value)
    assert "isi laporan" not in describe(invalid.value)
    assert "amount_idr" in describe(invalid.value)

    # Raised by a statement run on the driver itself (no SQLAlchemy around it): str() adds DETAIL.
    on_the_driver = asyncpg.exceptions.NotNullViolationError('null value in column "link" violates not-null')
    on_the_driver.detail = "Failing row contains (kunci, rahasia-pelapor@example.org, null)."
    assert "rahasia-pelapor" in str(on_the_driver)
    assert describe(on_the_driver) == ('NotNullViolationError [23502]: null value in column "link" violates not-null')

    careless = RuntimeError("cannot apply\n[SQL: SELECT 1]\n[parameters: ('rahasia',)]")
    assert describe(careless) == "cannot apply"
    assert len(describe(RuntimeError("x" * 5000))) == 1000

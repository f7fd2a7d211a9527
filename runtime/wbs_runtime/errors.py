"""How the runtime tells failures apart: the message's fault, the database's absence, or a bug.

SQLAlchemy's asyncpg dialect wraps every PostgreSQL error in a plain ``DBAPIError`` whose
``orig`` carries the SQLSTATE, so outages are recognised by SQLSTATE along the exception chain,
not by exception class.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.exc import TimeoutError as PoolTimeout

#: Connection exceptions (08), insufficient resources (53, e.g. too many connections), system
#: errors (58), and the server shutting down, crashing or starting up (57P01-57P03).
_UNAVAILABLE_CLASSES = ("08", "53", "58")
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03"})
#: Serialization failure and deadlock: the transaction lost a race and will succeed when rerun.
_LOST_RACE_STATES = frozenset({"40001", "40P01"})
#: Error texts kept in the database, dead-letter headers and logs are cut to this length.
ERROR_TEXT_LIMIT = 1000
#: Where SQLAlchemy starts quoting the statement and its parameters.
_STATEMENT_MARKERS = ("\n[SQL:", "[SQL:", "[parameters:", "\n(Background on this error")


class Unretryable(Exception):
    """Retrying cannot help (a key this service does not hold, a payload that does not open):
    consumers dead-letter the message at once."""


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending += [getattr(current, "orig", None), current.__cause__, current.__context__]


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else None


def is_infrastructure_error(error: BaseException) -> bool:
    """True when the database is unreachable or restarting, or the transaction lost a race:
    conditions to wait out, not reasons to give up on a message."""
    for link in _chain(error):
        if isinstance(link, DBAPIError) and link.connection_invalidated:
            return True
        if isinstance(link, OSError | PoolTimeout):  # OSError covers refused, reset and timed-out connections
            return True
        if type(link).__name__ == "InterfaceError" and "connection is closed" in str(link):
            return True
        state = _sqlstate(link)
        if state and (state[:2] in _UNAVAILABLE_CLASSES or state in _UNAVAILABLE_STATES | _LOST_RACE_STATES):
            return True
    return False


def is_unretryable(error: BaseException) -> bool:
    return any(isinstance(link, Unretryable) for link in _chain(error))


def backoff(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff, ``base * 2**attempt`` seconds, at most ``cap``. The exponent is
    clamped first: attempt counts survive restarts, and ``2.0**1024`` does not fit a float."""
    return float(min(cap, base * 2 ** min(max(attempt, 0), 32)))


def describe(error: BaseException, limit: int = ERROR_TEXT_LIMIT) -> str:
    """An error's text fit to store, log or put in a header: never a query's parameters, a
    constraint's ``DETAIL`` (it quotes the row's values) or a validator's input (which may be
    decrypted content), and never longer than ``limit``.

    SQLAlchemy's ``hide_parameters`` covers one of these; this does not rely on it.
    """
    if isinstance(error, ValidationError):
        text = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '<root>'}: {e['msg']}"
            for e in error.errors(include_input=False, include_url=False)[:5]
        )
        return _cut(f"{error.title}: {text}", limit)
    # The driver's own error, innermost (through SQLAlchemy, or raised by a statement run on the
    # driver itself): its first line is the message, without DETAIL.
    original: BaseException = error
    while isinstance(inner := getattr(original, "orig", None), BaseException) and inner is not original:
        original = inner
    state = _sqlstate(original)
    if isinstance(error, StatementError) or state:
        first_line = _without_statement(str(original)).split("\n", 1)[0]
        return _cut(f"{type(original).__name__}{f' [{state}]' if state else ''}: {first_line}", limit)
    return _cut(_without_statement(str(error)), limit)


def _without_statement(text: str) -> str:
    for marker in _STATEMENT_MARKERS:
        index = text.find(marker)
        if index >= 0:
            text = text[:index]
    return text.strip()


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""A repository's answers kept for its transaction: asked once per key, asked again after a write."""

from __future__ import annotations

from wbs_runtime.unit_of_work import ReadOnce


async def test_each_key_is_read_once_until_forgotten() -> None:
    asked: list[str] = []

    async def read(tenant: str) -> str:
        asked.append(tenant)
        return f"rules of {tenant} ({len(asked)})"

    rules = ReadOnce(read)
    assert await rules("bps-1700") == "rules of bps-1700 (1)"
    assert await rules("bps-1700") == "rules of bps-1700 (1)"
    assert await rules("inspektorat-jabar") == "rules of inspektorat-jabar (2)"
    assert asked == ["bps-1700", "inspektorat-jabar"]

    rules.forget()  # the transaction wrote what was read
    assert await rules("bps-1700") == "rules of bps-1700 (3)"


async def test_an_absent_answer_is_kept_too() -> None:
    asked = 0

    async def read(tenant: str) -> str | None:
        nonlocal asked
        asked += 1
        return None  # no such tenant

    nothing = ReadOnce(read)
    assert await nothing("unknown") is None
    assert await nothing("unknown") is None
    assert asked == 1

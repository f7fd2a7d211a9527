"""Where ``wbs`` finds each service's database, broker and keys: the same variables the services
read, and under ``make run`` the file the launcher writes (``var/wbs.env``), so that operators
need not copy generated passwords by hand."""

from __future__ import annotations

import os
from pathlib import Path

from wbs_runtime.settings import ServiceSettings

#: Written by the launcher with every service's database URL (mode 0600).
DEFAULT_ENV_FILE = Path("var") / "wbs.env"


def load_env_file(path: Path | None = None) -> Path | None:
    """Read ``KEY=value`` lines into the environment without overriding what is already set."""
    chosen = path or Path(os.environ.get("WBS_ENV_FILE", DEFAULT_ENV_FILE))
    if not chosen.is_file():
        return None
    for line in chosen.read_text(encoding="utf-8").splitlines():
        name, separator, value = line.partition("=")
        if separator and name.strip() and not name.lstrip().startswith("#"):
            os.environ.setdefault(name.strip(), value.strip())
    return chosen


def write_env_file(path: Path, values: dict[str, str]) -> None:
    """The launcher's side: readable by its owner only from the moment it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write("# Written by `make run` for the `wbs` command; holds database passwords.\n")
        handle.writelines(f"{name}={value}\n" for name, value in sorted(values.items()))


def settings_of(service: str) -> ServiceSettings:
    """The settings ``service`` itself would read, from the current environment."""
    settings_class: type[ServiceSettings] = type(
        f"{service.capitalize()}Settings", (ServiceSettings,), {"service": service}
    )
    return settings_class()

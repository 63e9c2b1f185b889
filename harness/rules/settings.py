"""The project's harness settings: rule packs and rules switched off, from pyproject.toml and the command line."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from . import DEFAULT_PACKS


@dataclass(frozen=True)
class Settings:
    """``packs`` to run; ``disabled`` maps a rule id to the reason it is off."""

    packs: tuple[str, ...] = DEFAULT_PACKS
    disabled: dict[str, str] = field(default_factory=dict)
    sandbox_hosts: tuple[str, ...] = ()

    def with_disabled(self, entries: list[str]) -> Settings:
        """Add ``RULE=REASON`` entries from the command line; a reason is required."""
        disabled = dict(self.disabled)
        for entry in entries:
            rule_id, _, reason = entry.partition("=")
            if not rule_id.strip() or not reason.strip():
                raise ValueError(f"--disable takes RULE=REASON, got {entry!r}")
            disabled[rule_id.strip()] = reason.strip()
        return Settings(self.packs, disabled, self.sandbox_hosts)


def find_pyproject(start: Path) -> Path | None:
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_settings(start: Path | None = None) -> Settings:
    """``[tool.autotask-harness]`` of the nearest pyproject.toml: ``packs``, ``sandbox_hosts``, ``[...disable]``."""
    path = find_pyproject((start or Path.cwd()).resolve())
    if path is None:
        return Settings()
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {}).get("autotask-harness", {})
    disabled = {str(k): str(v) for k, v in table.get("disable", {}).items()}
    for rule_id, reason in disabled.items():
        if not reason.strip():
            raise ValueError(f"{path}: rule {rule_id} is switched off without a reason")
    return Settings(tuple(table.get("packs", DEFAULT_PACKS)), disabled, tuple(table.get("sandbox_hosts", ())))

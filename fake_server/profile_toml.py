"""Writing a ``TenantProfile`` back to TOML, the inverse of ``TenantProfile.from_dict``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tomli_w

from .profile import TenantProfile
from .profile_schema import write_settings


def profile_to_dict(profile: TenantProfile, *, base: Path | None = None) -> dict[str, Any]:
    """The TOML document that loads back into an equal profile; entity dirs are written relative to ``base``."""
    data = write_settings(profile)
    if profile.entity_dirs:
        # One directory is what a probe writes; more than one cannot be said in a single TOML key.
        if len(profile.entity_dirs) > 1:
            raise ValueError("a profile file names at most one entity directory")
        directory = profile.entity_dirs[0]
        data["metadata"] = {"entity_dir": os.path.relpath(directory, base) if base else str(directory)}
    return data


def write_profile(profile: TenantProfile, path: str | Path) -> Path:
    """Write the profile as TOML; ``TenantProfile.load(path)`` gives an equal profile back."""
    target = Path(path)
    text = tomli_w.dumps(profile_to_dict(profile, base=target.parent.resolve()))
    target.write_text(text, encoding="utf-8")
    return target

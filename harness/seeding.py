"""Loading a seed into a fake tenant: ``sample`` or a JSON snapshot file (``serve``/``record --seed``, the
plugin). A seed is the tenant's baseline: ``reset()`` (and ``POST /_harness/reset``) comes back to it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fake_server import FakeAutotask, Limits, TenantProfile
from fake_server.sample import sample_snapshot

SEED_HELP = "Tenant snapshot JSON to load, or 'sample' (the bundled sample tenant); reset comes back to it."


def read_seed(seed: str, profile: TenantProfile) -> dict[str, list[dict[str, Any]]]:
    """The snapshot a seed names; ``sample`` is made on the profile's own completing status."""
    if seed == "sample":
        return sample_snapshot(completing_status=profile.completion.first_value)
    path = Path(seed)
    if not path.is_file():
        raise ValueError(f"no seed {seed!r}: give 'sample' or a snapshot JSON file")
    try:
        snapshot = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as failed:
        raise ValueError(f"{seed} is not a snapshot JSON file ({failed})") from None
    if not isinstance(snapshot, dict) or not all(isinstance(v, list) for v in snapshot.values()):
        raise ValueError(f"{seed} is not a snapshot: it must map entity names to lists of records")
    return snapshot


def try_seed(snapshot: dict[str, list[dict[str, Any]]], profile: TenantProfile) -> None:
    """Load the snapshot into a scratch tenant, so a seed that cannot load is refused before serving."""
    FakeAutotask(profile, limits=Limits.off()).load_snapshot(snapshot)


def load_seed(fake: FakeAutotask, seed: str) -> dict[str, int]:
    """Load ``sample`` or a JSON snapshot file as the fake's baseline; returns the records per entity."""
    return fake.load_baseline(read_seed(seed, fake.profile))

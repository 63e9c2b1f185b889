"""Loading a seed into a fake tenant: ``sample`` or a JSON snapshot file (``serve --seed``, ``record --seed``,
the plugin). A seed is the tenant's baseline: ``reset()`` (and ``POST /_harness/reset``) comes back to it.

A seed file is checked whole, as the fake checks a write's body, before any of it is stored: a file that
cannot be read, is not JSON, or holds a record the API would refuse is a ``SeedRefused`` naming the file, the
entity, the record and the field, and the tenant is left as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fake_server import FakeAutotask, Limits, TenantProfile
from fake_server.face import SnapshotRefused, sample_snapshot

Snapshot = dict[str, list[dict[str, Any]]]


class SeedRefused(ValueError):
    """The seed cannot be loaded; the message names the file and what is wrong in it."""


def read_json_file(path: Path, what: str) -> Any:
    """The JSON document in ``path``; a ``SeedRefused`` saying what is wrong when it is none.

    Strict JSON, as the API's own reader is: ``NaN`` and ``Infinity`` are no numbers."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise SeedRefused(f"{path} is a directory, not {what}.") from None
    except FileNotFoundError:
        raise SeedRefused(f"{path} does not exist: give the path of {what}.") from None
    except OSError as error:
        raise SeedRefused(f"{path} cannot be read ({error.strerror or error.__class__.__name__}).") from None
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=refuse_bare_constant)
    except UnicodeDecodeError as error:
        raise SeedRefused(f"{path} is not UTF-8 text (byte {error.start}): it is not {what}.") from None
    except json.JSONDecodeError as error:
        raise SeedRefused(f"{path} is not JSON ({error.msg}, line {error.lineno} column {error.colno}).") from None
    except ValueError as error:
        raise SeedRefused(f"{path} is not strict JSON: {error}.") from None


def refuse_bare_constant(name: str) -> Any:
    """``json.loads``'s ``parse_constant`` for strict JSON, as .NET's reader and the fake's writers are."""
    raise ValueError(f"{name} is no JSON number")


def read_snapshot_file(path: Path) -> Snapshot:
    """A snapshot file's JSON, refused unless it has a snapshot's form: an object of arrays of objects."""
    snapshot = read_json_file(path, "a JSON tenant snapshot ({entity: [records]}) or 'sample'")
    if not isinstance(snapshot, dict) or not all(
        isinstance(rows, list) and all(isinstance(row, dict) for row in rows) for rows in snapshot.values()
    ):
        raise SeedRefused(f"{path} is JSON but no tenant snapshot: write it as {{entity: [records]}}.")
    return snapshot


SEED_HELP = "Tenant snapshot JSON to load, or 'sample' (the bundled sample tenant); reset comes back to it."


def read_seed(seed: str, profile: TenantProfile) -> Snapshot:
    """The snapshot ``seed`` names, checked whole against ``profile``'s entities on a scratch tenant without
    loading it; ``sample`` is made on the profile's own completing status. A ``SeedRefused`` names the file,
    the entity, the record and the field."""
    if seed == "sample":
        return sample_snapshot(completing_status=profile.completion.first_value)
    snapshot = read_snapshot_file(Path(seed))
    try:
        FakeAutotask(profile, limits=Limits.off()).tenant.check_snapshot(snapshot)
    except SnapshotRefused as refused:
        raise SeedRefused(f"{seed}: {refused}") from None
    return snapshot


def load_seed(fake: FakeAutotask, seed: str) -> dict[str, int]:
    """Load ``sample`` or a JSON snapshot file as the fake's baseline; returns the records per entity."""
    snapshot = read_seed(seed, fake.profile)
    try:
        return fake.load_baseline(snapshot)
    except SnapshotRefused as refused:  # checked already; kept so a caller only ever sees SeedRefused
        raise SeedRefused(f"{seed}: {refused}") from None

"""``serve --state FILE``: a served fake's tenants kept in one file across restarts.

The file is JSON: a format marker, the tenants' snapshots by key, and a SHA-256 of those snapshots. It is
written whole to a temporary file beside it, flushed to disk, then renamed over the old one, so a reader
sees the old state or the new, never half of one. A file that is torn (cut short by hand or by a full
disk), that is not this format, or whose digest does not match its content is refused at start with a
message saying which: loading it would serve a state nobody wrote.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fake_server import FakeAutotask
from fake_server.face import ANONYMOUS, SnapshotRefused, TenantsByCredentials

from .seeding import refuse_bare_constant

FORMAT = "autotask-harness-state"
VERSION = 1

Snapshots = dict[str, dict[str, list[dict[str, Any]]]]
log = logging.getLogger("autotask_harness")


class StateRefused(ValueError):
    """The state file cannot be trusted; the message says why and what to do."""


def _digest(tenants: Snapshots) -> str:
    canonical = json.dumps(tenants, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def read_state(path: Path) -> Snapshots | None:
    """The snapshots a state file holds by tenant key; ``None`` when the file does not exist yet."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise StateRefused(f"{path} is a directory; --state takes a file (it is made if missing).") from None
    except OSError as error:
        raise StateRefused(f"{path} cannot be read ({error.strerror or error.__class__.__name__}).") from None
    try:  # strict JSON, as the file is written: a bare NaN or Infinity is no number and not this writer's
        document = json.loads(raw, parse_constant=refuse_bare_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StateRefused(
            f"{path} is not a whole state file ({error.__class__.__name__} at byte {getattr(error, 'pos', '?')} "
            f"of {len(raw)}): it was cut short or is something else. Move it away to start empty."
        ) from None
    except ValueError as error:  # refuse_bare_constant's: JSON the decoder read, but not strict JSON
        raise StateRefused(f"{path} is not strict JSON ({error}); this writer never writes one. Refusing it.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateRefused(f"{path} is not an autotask-harness state file (no format {FORMAT!r}); refusing it.")
    if document.get("version") != VERSION:
        raise StateRefused(f"{path} is state format version {document.get('version')!r}; this serve reads {VERSION}.")
    tenants = document.get("tenants")
    if not isinstance(tenants, dict) or not all(
        isinstance(snapshot, dict) and all(isinstance(rows, list) for rows in snapshot.values())
        for snapshot in tenants.values()
    ):
        raise StateRefused(f"{path} has no tenants table of snapshots; refusing it.")
    if document.get("sha256") != _digest(tenants):
        raise StateRefused(f"{path} does not match its own digest: it was changed or damaged after it was written.")
    return tenants


def write_state(path: Path, tenants: Snapshots) -> None:
    """Write atomically: a temporary file in the same directory, flushed to disk, renamed over ``path``."""
    document = {"format": FORMAT, "version": VERSION, "sha256": _digest(tenants), "tenants": tenants}
    data = json.dumps(document, ensure_ascii=False, allow_nan=False).encode("utf-8", "surrogatepass")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    # The rename itself is durable only once the directory is flushed too.
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


class StateKeeper:
    """Writes ``collect()`` to the state file every ``interval`` seconds in a background thread, and once
    more when stopped. ``collect`` takes each tenant's snapshot under that tenant's lock."""

    def __init__(self, path: Path, collect: Callable[[], Snapshots], interval: float) -> None:
        self.path = path
        self.collect = collect
        self.interval = interval
        self.writes = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def write_now(self) -> None:
        write_state(self.path, self.collect())
        self.writes += 1

    def start(self) -> StateKeeper:
        if self.interval > 0:
            self._thread = threading.Thread(target=self._run, daemon=True, name="autotask-state")
            self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.write_now()
            except OSError:  # a full disk must not stop serving; the next interval tries again
                log.exception("could not write the state file %s", self.path)

    def stop(self) -> None:
        """Stop the timer and write the final state."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.write_now()


SINGLE = "tenant"  # the key a single-tenant serve keeps its one tenant under


def served_snapshots(fake: FakeAutotask, tenants: TenantsByCredentials[FakeAutotask] | None) -> Snapshots:
    """What a serve holds now, by tenant key (the anonymous tenant stores nothing and is left out)."""
    if tenants is None:
        return {SINGLE: fake.export_snapshot()}
    return {key: core.export_snapshot() for key, core in tenants.items() if key != ANONYMOUS}


def restore_served(
    state: Snapshots, path: Path, fake: FakeAutotask, tenants: TenantsByCredentials[FakeAutotask] | None
) -> int:
    """Put a state file's tenants back; returns how many. A file from the other tenancy mode is refused, and
    so is one holding a record the API would refuse (checked for every tenant before any is restored)."""
    for key, snapshot in state.items():
        try:
            fake.tenant.check_snapshot(snapshot, ids_required=True)
        except SnapshotRefused as refused:
            raise StateRefused(f"{path}: tenant {key!r}, {refused}. Nothing was loaded.") from None
    if tenants is None:
        if set(state) - {SINGLE}:
            raise StateRefused(f"{path} holds tenants by credentials; serve it with --tenants by-credentials.")
        if SINGLE in state:
            fake.restore_snapshot(state[SINGLE])
        return len(state)
    if SINGLE in state:
        raise StateRefused(f"{path} holds a single tenant; serve it without --tenants by-credentials.")
    for key, snapshot in state.items():
        tenants.get_or_make(key).restore_snapshot(snapshot)
    return len(state)

"""One probe run: discover, read metadata, experiment on throw-away tickets, tidy up, write what was learned.

Clean-up runs in ``finally``: whatever step fails, every ticket the run created (and any an earlier
run left open) is closed or reported, and listed, before the run ends.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from fake_server import TenantProfile
from fake_server.face import write_profile
from harness.sandbox import LOOPBACK, TargetRefused, check_target
from harness.scrub import Scrubber

from .cleanup import closing_status, tidy
from .experiments import (
    Observations,
    TicketBench,
    TicketPlan,
    as_int,
    endpoint_steps,
    first_choice,
    observe_status,
    pick_company,
    watched,
)
from .infer import learned_profile
from .ledger import Ledger
from .report import Point, compare_with_seed_004, write_reports
from .session import ProbeFailed, Session
from .tenant_metadata import CORE_ENTITIES, TenantMetadata, read_entity, read_service, write_entity_files

PROFILE_FILE = "profile.toml"
ENTITY_DIR = "entities"


@dataclass(frozen=True)
class ProbeOptions:
    """What to probe and where to write; ``company``/``queue``/``extra`` shape the throw-away tickets."""

    target: str
    out: Path
    company: int | None = None
    queue: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    entities: tuple[str, ...] = CORE_ENTITIES
    closing_status: int | None = None
    cleanup_only: bool = False
    cassette: bool = True
    sandbox_hosts: tuple[str, ...] = ()
    allow_production: bool = False

    @property
    def name(self) -> str:
        """The stem of what this run writes: a clean-up run must not overwrite a full run's report."""
        return "cleanup" if self.cleanup_only else "probe"


@dataclass
class ProbeResult:
    observations: Observations
    metadata: TenantMetadata
    created: list[str]
    problems: list[str]  # clean-up problems: what is still open
    points: list[Point]
    requests: int
    seconds: float
    failed: str | None = None
    profile_path: Path | None = None

    @property
    def complete(self) -> bool:
        """Every step ran and answered; only then is the profile written."""
        return self.failed is None and not self.observations.problems

    @property
    def ok(self) -> bool:
        """Every step ran and everything created was tidied."""
        return self.complete and not self.problems


class Phases:
    """A progress bar per phase; ``step`` names what is running, so a failure can say where it stopped."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.current = "starting"
        self._task: Any = None

    @contextlib.contextmanager
    def phase(self, name: str, total: int) -> Iterator[Phases]:
        self._task = self.progress.add_task(name, total=total)
        self.current = name
        yield self
        self.progress.update(self._task, completed=total)

    def step(self, name: str) -> None:
        self.current = name

    def advance(self) -> None:
        self.progress.advance(self._task)


def run_probe(
    options: ProbeOptions,
    username: str,
    secret: str,
    integration_code: str,
    *,
    console: Console | None = None,
    http: httpx.Client | None = None,
) -> ProbeResult:
    """Probe the tenant behind ``options.target``; refuses production, otherwise never raises."""
    console = console or Console(stderr=True)
    check_target(options.target, options.sandbox_hosts, options.allow_production)
    scrubber = Scrubber(literals=frozenset({username, secret, integration_code}))
    options.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    session = Session(http or httpx.Client(timeout=60), username, secret, integration_code, scrubber.plain)
    ledger, seen, metadata = Ledger(), Observations(), TenantMetadata()
    failed: str | None = None
    problems: list[str] = []
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress, _cassette(options, scrubber):
        phases = Phases(progress)
        try:
            _learn(session, options, metadata, phases)
            if not options.cleanup_only:
                _experiment(session, options, metadata, seen, ledger, phases)
        except (ProbeFailed, httpx.HTTPError) as error:
            failed = f"{phases.current}: {error}"
        except TargetRefused:
            raise  # refused before anything was sent to the zone: nothing to tidy, nothing to report
        except Exception as error:  # a bug or an answer nobody foresaw: still tidy up and report
            failed = f"{phases.current}: unexpected {type(error).__name__}: {error}"
        finally:
            if session.base_url:
                problems = _tidy(session, options, metadata, seen, ledger, phases)
    # Error texts were redacted as they arrived; exceptions (httpx's name URLs) are redacted here.
    seen.problems = [scrubber.plain(p) for p in seen.problems]
    points = [Point(*(scrubber.plain(str(v)) for v in astuple(p))) for p in compare_with_seed_004(seen)]
    result = ProbeResult(
        seen,
        metadata,
        [scrubber.plain(line) for line in ledger.lines()],
        [scrubber.plain(p) for p in problems],
        points,
        session.requests,
        time.monotonic() - started,
        scrubber.plain(failed) if failed else None,
    )
    _write(result, options)
    return result


@contextlib.contextmanager
def _cassette(options: ProbeOptions, scrubber: Scrubber) -> Iterator[None]:
    if not options.cassette:
        yield
        return
    from harness.cassettes.vcr import Provenance, autotask_vcr, recording

    path = options.out / f"{options.name}-cassette.json"
    path.unlink(missing_ok=True)
    host = urlsplit(options.target).hostname or ""
    kind = "fake" if host in LOOPBACK else "sandbox"
    note = " against a host allowed with --allow-production" if options.allow_production else ""
    provenance = Provenance(
        kind, description=f"autotask-harness probe{' --cleanup-only' * options.cleanup_only}{note}", zone=host
    )
    with recording(path, provenance, autotask_vcr(record_mode="all", scrubber=scrubber)):
        yield


def _learn(session: Session, options: ProbeOptions, metadata: TenantMetadata, phases: Phases) -> None:
    with phases.phase("zone and limits", 3):
        phases.step("zone discovery")
        zone = session.discover(options.target)
        check_target(zone["url"], options.sandbox_hosts, options.allow_production)  # before anything goes there
        session.use_zone(zone)
        metadata.zone = zone
        phases.advance()
        phases.step("version and thresholds")
        read_service(session, metadata)
        phases.advance()
        phases.advance()
    # Clean-up needs only the ticket metadata (statuses, canDelete); the experiments need Tickets too.
    entities = ("Tickets",) if options.cleanup_only else tuple(dict.fromkeys(("Tickets", *options.entities)))
    with phases.phase("metadata", len(entities)):
        for name in entities:
            phases.step(f"{name} metadata")
            metadata.entities[name] = read_entity(session, name)
            phases.advance()


def _experiment(
    session: Session,
    options: ProbeOptions,
    metadata: TenantMetadata,
    seen: Observations,
    ledger: Ledger,
    phases: Phases,
) -> None:
    tickets = metadata.entities["Tickets"]
    queue = options.queue if options.queue is not None else first_choice(tickets.field("queueID"))
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    seen.company_id, seen.queue_id = pick_company(session, options.company), queue
    phases.progress.console.print(f"throw-away tickets go to company {seen.company_id}, queue {queue}")
    bench = TicketBench(session, tickets, TicketPlan(seen.company_id, queue, dict(options.extra), run_id), ledger)
    steps = endpoint_steps(bench, tickets, metadata.entities.get("TicketNotes"), seen)
    with phases.phase("endpoints", len(steps) + 1):
        phases.step("creating the throw-away ticket")
        created = bench.fresh("the probe's throw-away ticket")
        seen.api_resource_id = as_int(created.get("creatorResourceID"))
        seen.baseline_status = as_int(created.get("status"))
        phases.advance()
        for name, run_step in steps:
            phases.step(name)
            try:
                run_step()
            except ProbeFailed as error:
                seen.problems.append(f"{name}: {error}")
            phases.advance()
    values = []
    for entry in (tickets.field("status") or {}).get("picklistValues") or []:
        number = as_int(entry.get("value"))
        if number is None:
            seen.problems.append(f"status value {entry.get('value')!r} is not a number, so it was not probed")
        elif entry.get("isActive", True):
            values.append((number, str(entry.get("label", ""))))
    seen.baseline_label = next((label for number, label in values if number == seen.baseline_status), "")
    if seen.baseline_status is None or watched(created):
        seen.problems.append("statuses: a new ticket is already completed, so stamping cannot be told apart")
        return
    with phases.phase("statuses", len(values)):
        for number, label in sorted(values):
            phases.step(f"status {number}")
            if number != seen.baseline_status:
                seen.statuses.append(observe_status(bench, seen.baseline_status, number, label))
            phases.advance()


def _tidy(
    session: Session,
    options: ProbeOptions,
    metadata: TenantMetadata,
    seen: Observations,
    ledger: Ledger,
    phases: Phases,
) -> list[str]:
    with phases.phase("clean-up", max(1, len(ledger.of("Tickets")))):
        phases.step("clean-up")
        try:
            tickets = metadata.entities.get("Tickets")
            statuses = ((tickets.field("status") or {}).get("picklistValues") or []) if tickets else []
            completing = [s.value for s in seen.statuses if s.stamped and not s.error]
            status = options.closing_status
            if status is None:
                status = closing_status(statuses, completing)
            can_delete = bool(tickets and tickets.info.get("canDelete"))
            return tidy(session, ledger, status, can_delete, seen.api_resource_id)
        except Exception as error:  # the list of what was created must still be written
            return [f"clean-up: {error}"]


def _write(result: ProbeResult, options: ProbeOptions) -> None:
    out = options.out
    if options.cleanup_only:
        write_reports(
            out,
            "cleanup-report",
            [],
            result.created,
            [*result.problems],
            {
                "requests sent": result.requests,
                "seconds": round(result.seconds, 2),
                "outcome": "finished" if result.failed is None else f"stopped at {result.failed}",
            },
        )
        return
    if result.metadata.entities:
        write_entity_files(result.metadata.entities, out / ENTITY_DIR)
    if result.complete:
        profile = learned_profile(result.metadata, result.observations, (out / ENTITY_DIR).resolve())
        result.profile_path = write_profile(profile, out / PROFILE_FILE)
    seen = result.observations
    summary = {
        "zone": result.metadata.zone.get("zoneName", "-"),
        "zone host": urlsplit(str(result.metadata.zone.get("url", ""))).netloc or "-",
        "API version": ".".join(
            str(result.metadata.version.get(k, "")) for k in ("majorVersion", "minorVersion", "build")
        ).strip(".")
        or "-",
        "throw-away tickets in": f"company {seen.company_id}, queue {seen.queue_id}"
        if seen.company_id is not None
        else "-",
        "requests sent": result.requests,
        "seconds": round(result.seconds, 2),
        "profile": PROFILE_FILE if result.profile_path else "not written by this run (a step did not finish)",
        "outcome": "finished" if result.failed is None else f"stopped at {result.failed}",
    }
    write_reports(out, "report", result.points, result.created, [*seen.problems, *result.problems], summary)


def load_learned(out: Path) -> TenantProfile:
    """The profile a probe wrote into ``out``."""
    return TenantProfile.load(out / PROFILE_FILE)


__all__ = ["ProbeOptions", "ProbeResult", "load_learned", "run_probe"]

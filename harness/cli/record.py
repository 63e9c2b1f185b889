"""The ``record`` command: serve a ``RecordingProxy`` on loopback until stopped, then write the cassette."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.markup import escape

from fake_server import Journal
from fake_server.face import BASE
from harness.cassettes.vcr import Provenance, autotask_vcr, recording
from harness.rules import Violation
from harness.rules.settings import load_settings
from harness.sandbox import LOOPBACK, TargetRefused, check_target
from harness.scrub import redact
from harness.serving.record_proxy import RecordingProxy, describe
from harness.serving.seeding import SEED_HELP
from harness.serving.server import sigterm_as_ctrl_c, uvicorn_config

from .errors import InputError, bound_socket, checked_seed, http_url, load_profile, output_folder

console = Console(soft_wrap=True)


def record(
    upstream: Annotated[
        str,
        typer.Option(
            metavar="URL", help="Where to forward: a sandbox's zone-lookup host, or a served fake's root URL."
        ),
    ],
    out: Annotated[
        Path, typer.Option(metavar="DIR", help="Directory for the cassette (NAME.json) and journal (NAME.jsonl).")
    ],
    name: Annotated[
        str, typer.Option(metavar="NAME", help="File name of the cassette and journal, without suffix.")
    ] = "recording",
    host: Annotated[str, typer.Option(metavar="HOST", help="Address to listen on; keep it on loopback.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(metavar="PORT", min=0, max=65535, help="Port to listen on; 0 picks a free one.")
    ] = 8766,
    allow_production: Annotated[bool, typer.Option(help="Forward to a host that is not a known sandbox.")] = False,
    profile: Annotated[
        str,
        typer.Option(
            metavar="PROFILE",
            help="Tenant profile the upstream runs: default, documented, or a TOML path (stamped in the cassette "
            "for verify, as serve takes it).",
        ),
    ] = "default",
    seed: Annotated[
        str | None,
        typer.Option(
            metavar="SEED",
            help=f"The seed the upstream started from, as serve takes it: {SEED_HELP} Stamped in the cassette "
            "for verify.",
        ),
    ] = None,
) -> None:
    """Record any client's traffic: a proxy it points at instead of the sandbox, writing a scrubbed cassette."""
    http_url(upstream, "--upstream")
    output_folder(out, "--out")
    if not name.strip() or any(c in name for c in "/\\") or name in (".", ".."):
        raise typer.BadParameter(f"{name!r}: give a file name without a folder", param_hint="'--name'")
    try:
        check_target(upstream, load_settings().sandbox_hosts, allow_production)
    except TargetRefused as refused:
        raise InputError(f"refused: {redact(str(refused))}") from None
    tenant_profile = load_profile(profile)
    snapshot = checked_seed(seed, tenant_profile)
    sock = bound_socket(host, port)  # a port in use is refused before the cassette's folder or journal exist
    out.mkdir(parents=True, exist_ok=True)
    cassette_path, journal_path = out / f"{name}.json", out / f"{name}.jsonl"
    journal = Journal()
    journal.stream_to(journal_path)
    upstream_host = urlsplit(upstream).hostname or ""
    provenance = Provenance(
        "fake" if upstream_host in LOOPBACK else "sandbox",
        description=f"recorded through autotask-harness record from {upstream_host}",
        zone=None if upstream_host in LOOPBACK else upstream_host,
        profile=profile if upstream_host in LOOPBACK else None,
        seed=snapshot,
    )
    findings = 0

    def report(violation: Violation) -> None:
        nonlocal findings
        findings += 1
        console.print(f"[yellow]rule[/] {escape(describe(violation))}")

    with sigterm_as_ctrl_c(), httpx.Client(timeout=120) as http:
        proxy = RecordingProxy(upstream, http, journal, on_violation=report)
        root = f"http://{host}:{sock.getsockname()[1]}"
        console.print(f"Recording proxy to {escape(redact(upstream))}")  # not a user:password@ in it
        console.print(f"  base URL:        {root}/{BASE[0]}/{BASE[1]}")
        console.print(f"  zone discovery:  {root}/{BASE[0]}/{BASE[1]}/zoneInformation?user=<api user>")
        console.print(f"  writing:         {cassette_path} and {journal_path}")
        console.print("Press Ctrl-C to stop and write the cassette.")
        try:
            # Stopping is the point, not an error: the cassette is written as this block ends.
            with (
                recording(cassette_path, provenance, autotask_vcr(record_mode="all")),
                contextlib.suppress(KeyboardInterrupt),
            ):
                uvicorn.Server(uvicorn_config(proxy)).run(sockets=[sock])
        finally:
            journal.close()
    count = len(journal)
    console.print(
        f"recorded {count} exchange{'' if count == 1 else 's'} to {cassette_path}; "
        f"{findings} rule finding{'' if findings == 1 else 's'}"
    )

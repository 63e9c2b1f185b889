"""The ``record`` command: serve a ``RecordingProxy`` on loopback until stopped, then write the cassette."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.markup import escape

from fake_server import Journal
from fake_server.routing import BASE

from .cassettes import Provenance, autotask_vcr, recording
from .live import LOOPBACK, TargetRefused, check_target
from .record_proxy import RecordingProxy, describe
from .rules import Violation
from .scrub import redact
from .serving import free_socket, sigterm_as_ctrl_c, uvicorn_config
from .settings import load_settings

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
    port: Annotated[int, typer.Option(metavar="PORT", help="Port to listen on; 0 picks a free one.")] = 8766,
    allow_production: Annotated[bool, typer.Option(help="Forward to a host that is not a known sandbox.")] = False,
    seed: Annotated[
        Path | None,
        typer.Option(
            metavar="SEED", help="The snapshot the upstream started from, stamped in the cassette for verify."
        ),
    ] = None,
) -> None:
    """Record any client's traffic: a proxy it points at instead of the sandbox, writing a scrubbed cassette."""
    try:
        check_target(upstream, load_settings().sandbox_hosts, allow_production)
    except TargetRefused as refused:
        console.print(f"[red]refused:[/] {escape(redact(str(refused)))}")
        raise typer.Exit(2) from None
    out.mkdir(parents=True, exist_ok=True)
    cassette_path, journal_path = out / f"{name}.json", out / f"{name}.jsonl"
    journal = Journal()
    journal.stream_to(journal_path)
    upstream_host = urlsplit(upstream).hostname or ""
    provenance = Provenance(
        "fake" if upstream_host in LOOPBACK else "sandbox",
        description=f"recorded through autotask-harness record from {upstream_host}",
        zone=None if upstream_host in LOOPBACK else upstream_host,
        seed=json.loads(seed.read_text(encoding="utf-8")) if seed else None,
    )
    findings = 0

    def report(violation: Violation) -> None:
        nonlocal findings
        findings += 1
        console.print(f"[yellow]rule[/] {escape(describe(violation))}")

    with sigterm_as_ctrl_c(), httpx.Client(timeout=120) as http:
        proxy = RecordingProxy(upstream, http, journal, on_violation=report)
        sock = free_socket(host, port)
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

"""The ``probe`` command: learn how a live tenant behaves and write a profile the fake loads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from .errors import InputError, http_url, output_file, output_folder

console = Console(soft_wrap=True)  # URLs stay on one line, whatever the width


def _field_value(entry: str) -> tuple[str, object]:
    """``--set FIELD=VALUE``: JSON when it parses (numbers, true, null), text otherwise."""
    name, _, raw = entry.partition("=")
    if not name.strip() or not raw:
        raise typer.BadParameter(f"expected FIELD=VALUE, got {entry!r}", param_hint="--set")
    try:
        return name.strip(), json.loads(raw)
    except ValueError:
        return name.strip(), raw


def probe(
    target: Annotated[
        str,
        typer.Option(
            metavar="TARGET", help="Zone lookup host, e.g. https://webservices.autotask.net (or a served fake's URL)."
        ),
    ],
    out: Annotated[
        Path, typer.Option(metavar="DIR", help="Folder for the profile, entity files, cassette and report.")
    ] = Path("probe-out"),
    company: Annotated[
        int | None,
        typer.Option(metavar="ID", help="Company for the throw-away ticket (default: id 0, the tenant's own)."),
    ] = None,
    queue: Annotated[
        int | None,
        typer.Option(metavar="ID", help="Queue for the throw-away ticket (default: the picklist's default)."),
    ] = None,
    set_field: Annotated[
        list[str] | None, typer.Option("--set", metavar="FIELD=VALUE", help="Another ticket field: FIELD=VALUE.")
    ] = None,
    closing_status: Annotated[
        int | None,
        typer.Option(metavar="STATUS", help="Status that closes the probe's tickets (default: one seen completing)."),
    ] = None,
    cleanup_only: Annotated[bool, typer.Option(help="Only close what earlier, interrupted runs left open.")] = False,
    cassette: Annotated[bool, typer.Option(help="Record the probe's traffic, scrubbed.")] = True,
    allow_production: Annotated[bool, typer.Option(help="Probe a host that is not a known sandbox.")] = False,
    html: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write the report as one self-contained HTML file here.")
    ] = None,
) -> None:
    """Learn how a tenant behaves and write a profile the fake loads; credentials come from the environment."""
    import os

    from harness.probe import ProbeOptions, run_probe
    from harness.probe.report import print_points
    from harness.rules.settings import load_settings
    from harness.sandbox import CREDENTIAL_ENVIRONMENT, TargetRefused

    http_url(target, "--target")
    output_folder(out, "--out")
    output_file(html, "--html")
    missing = [name for name in CREDENTIAL_ENVIRONMENT if not os.environ.get(name)]
    if missing:
        raise InputError(f"refused: set {', '.join(missing)} in the environment")
    options = ProbeOptions(
        target,
        out,
        company,
        queue,
        dict(_field_value(e) for e in set_field or []),
        closing_status=closing_status,
        cleanup_only=cleanup_only,
        cassette=cassette,
        sandbox_hosts=load_settings().sandbox_hosts,
        allow_production=allow_production,
    )
    try:
        result = run_probe(options, *(os.environ[name] for name in CREDENTIAL_ENVIRONMENT), console=console)
    except TargetRefused as refused:
        raise InputError(f"refused: {refused}") from None
    if not cleanup_only:
        print_points(result.points, console)
    console.print("Created by this run, and what became of it:" if result.created else "Nothing was created.")
    for line in result.created:
        console.print(f"  {line}", markup=False)
    for problem in [*result.observations.problems, *result.problems]:
        console.print(f"[yellow]problem:[/] {escape(problem)}")
    if result.failed:
        console.print(f"[red]stopped at[/] {escape(result.failed)}")
    if html:
        from harness.reports.pages import probe_page

        problems = [*result.observations.problems, *result.problems]
        html.write_text(probe_page(target, result.points, result.created, problems), encoding="utf-8")
        console.print(f"HTML report: {html}", markup=False)
    report_file = out / ("cleanup-report.md" if cleanup_only else "report.md")
    console.print(
        f"{result.requests} requests in {result.seconds:.1f} s; report in {report_file}"
        + (f", profile in {result.profile_path}" if result.profile_path else "")
    )
    raise typer.Exit(0 if result.ok else 1)

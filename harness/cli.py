"""The ``autotask-harness`` command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.markup import escape

from fake_server import FakeAutotask, Limits
from fake_server.asgi import AsgiApp
from fake_server.tenancy import TenantsByCredentials

from .record_command import record
from .seeding import load_seed
from .serving import free_socket, sigterm_as_ctrl_c, tenant_maker, uvicorn_config
from .state_file import StateKeeper, StateRefused, read_state, restore_served, served_snapshots

app = typer.Typer(help="Contract testing for Autotask PSA REST API integrations.", no_args_is_help=True)
console = Console(soft_wrap=True)  # URLs stay on one line, whatever the width


@app.callback()
def main() -> None:
    """Contract testing for Autotask PSA REST API integrations."""


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; keep it on loopback.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on; 0 picks a free one.")] = 8765,
    profile: Annotated[str, typer.Option(help="Tenant profile: default, documented, or a TOML path.")] = "default",
    seed: Annotated[str | None, typer.Option(help="Tenant snapshot JSON to load, or 'sample'.")] = None,
    journal: Annotated[
        Path | None,
        typer.Option(
            help="Append every exchange to this JSON-lines file; with --tenants by-credentials, a directory "
            "holding KEY.jsonl per tenant."
        ),
    ] = None,
    state_api: Annotated[bool, typer.Option(help="Serve /_harness/ reset, seed, journal and faults.")] = False,
    limits: Annotated[bool, typer.Option(help="Apply the API's hourly and thread limits.")] = True,
    tenants: Annotated[
        str,
        typer.Option(
            help="one: every request reaches one tenant. by-credentials: each ApiIntegrationCode + UserName "
            "gets its own tenant, made on first use from the profile and seed."
        ),
    ] = "one",
    state: Annotated[
        Path | None,
        typer.Option(
            help="Keep the tenants in this file: loaded at start, written at stop and every --state-interval "
            "seconds (atomically). A torn or foreign file is refused."
        ),
    ] = None,
    state_interval: Annotated[
        float, typer.Option(help="Seconds between writes of --state; 0 writes only at stop.")
    ] = 30.0,
) -> None:
    """Serve a fake Autotask tenant over HTTP for clients in any language."""
    if tenants not in ("one", "by-credentials"):
        raise typer.BadParameter("choose one or by-credentials", param_hint="--tenants")
    chosen_limits = None if limits else Limits.off()
    directory: TenantsByCredentials[FakeAutotask] | None = None
    if tenants == "by-credentials":
        directory = TenantsByCredentials(tenant_maker(profile, limits=chosen_limits, seed=seed, journal_dir=journal))
        fake = directory.anonymous
    else:
        fake = FakeAutotask(profile, limits=chosen_limits)
    keeper: StateKeeper | None = None
    if state is not None:
        try:
            kept = read_state(state)
        except StateRefused as error:
            console.print(f"[red]{escape(str(error))}[/]")
            raise typer.Exit(2) from None
        if kept is not None:
            try:
                restored = restore_served(kept, state, fake, directory)
            except StateRefused as error:
                console.print(f"[red]{escape(str(error))}[/]")
                raise typer.Exit(2) from None
            console.print(f"state: {restored} tenant{'' if restored == 1 else 's'} read from {state}")
            seed = None if directory is None else seed  # the state is the tenant now, not the seed
        keeper = StateKeeper(state, lambda: served_snapshots(fake, directory), state_interval)
    # Ctrl-C and SIGTERM stop it alike: in-flight answers finish, then the summary. Every answered exchange
    # is in the journal file before its answer is sent, so even SIGKILL loses none of them.
    with sigterm_as_ctrl_c():
        try:
            if keeper is not None:
                keeper.start()
            if seed and directory is None:
                counts = load_seed(fake, seed)
                console.print("seeded " + ", ".join(f"{n} {entity}" for entity, n in counts.items()))
                fake.journal.clear()
            if journal and directory is None and (torn := fake.journal.stream_to(journal)):
                console.print(f"{journal} ended in a line torn by a killed serve: cut its {torn} bytes off")
            sock = free_socket(host, port)
            bound = sock.getsockname()[1]
            root = f"http://{host}:{bound}"
            console.print(f"Fake Autotask ({fake.profile.name} profile) serving")
            console.print(f"  base URL:        {root}/ATServicesRest/V1.0")
            console.print(f"  zone discovery:  {root}/ATServicesRest/V1.0/zoneInformation?user=<api user>")
            if directory is not None:
                console.print("  tenants:         one per ApiIntegrationCode + UserName, made on first use")
            if state_api:
                console.print(f"  state API:       {root}/_harness/ (reset, seed, journal, faults)")
            console.print("Press Ctrl-C to stop.")
            app = AsgiApp(fake, state_api=state_api, tenants=directory)
            uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])
        except KeyboardInterrupt:
            pass  # uvicorn hands the signal back once it has shut down; stopping is the point, not an error
        finally:
            if keeper is not None:
                keeper.stop()
                console.print(f"state written to {state}")
            served = directory.items() if directory is not None else [("", fake)]
            for _, core in served:
                core.journal.close()
            count = sum(len(core.journal) for _, core in served)
            summary = f"stopped after {count} exchange{'' if count == 1 else 's'}"
            if directory is not None:
                summary += f" with {len(directory)} tenant{'' if len(directory) == 1 else 's'}"
            console.print(summary + (f"; journal in {journal}" if journal else ""))


app.command("record")(record)


@app.command("check")
def check_command(
    source: Annotated[Path, typer.Argument(help="A journal (.jsonl from serve --journal) or a cassette.")],
    output_format: Annotated[str, typer.Option("--format", help="text, json or junit.")] = "text",
    pack: Annotated[list[str] | None, typer.Option(help="Rule packs to run (default: from pyproject.toml).")] = None,
    disable: Annotated[list[str] | None, typer.Option(help="Switch a rule off: RULE=REASON.")] = None,
    profile: Annotated[
        str,
        typer.Option(
            help="Judge for this tenant: default, documented, or a profile.toml "
            "(its completing statuses and base-path casing)."
        ),
    ] = "default",
) -> None:
    """Check recorded traffic against the Autotask contract rules; exit 1 when any rule is broken."""
    from fake_server import TenantProfile

    from . import check_report as report
    from .rules import RuleContext, check, rules_in
    from .settings import load_settings
    from .traffic import load_traffic

    if output_format not in ("text", "json", "junit"):
        raise typer.BadParameter("choose text, json or junit", param_hint="--format")
    settings = load_settings().with_disabled(disable or [])
    packs = tuple(pack) if pack else settings.packs
    traffic = load_traffic(source)
    context = RuleContext.for_profile(TenantProfile.load(profile))
    violations = check(traffic, packs, settings.disabled, context)
    if output_format == "json":
        typer.echo(report.as_json(violations, traffic))
    elif output_format == "junit":
        typer.echo(report.junit(violations, traffic, rules_in(packs, settings.disabled)))
    else:
        report.text(violations, traffic, rules_in(packs, settings.disabled), console)
        for rule_id, reason in settings.disabled.items():
            console.print(f"[yellow]switched off[/] {rule_id}: {reason}")
    raise typer.Exit(1 if violations else 0)


@app.command()
def contract(
    client: Annotated[
        str | None, typer.Option(help="Your client as module:factory (default: pyproject, then the reference client).")
    ] = None,
    command: Annotated[
        str | None, typer.Option(help='A non-Python client, e.g. "pwsh ./resolve.ps1 {base_url} {ticket_number}".')
    ] = None,
    workers: Annotated[int, typer.Option(help="Spread the suite over N processes (pytest-xdist).")] = 0,
    junit_xml: Annotated[Path | None, typer.Option(help="Also write a JUnit XML report here.")] = None,
    profile: Annotated[
        str, typer.Option(help="The tenant to run on: default, documented, or a profile.toml that probe wrote.")
    ] = "default",
    in_process: Annotated[
        bool,
        typer.Option(
            help="Reach a Python client in-process (fake.mock() at the production hosts) instead of over loopback."
        ),
    ] = False,
) -> None:
    """Run the Autotask contract suite against a client and print the report."""
    import pytest

    arguments = [
        "--pyargs",
        "contract_tests",
        "-p",
        "no:cacheprovider",
        "-rs",
        "--tb=line",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        "--autotask-profile",
        profile,
    ]
    if client:
        arguments += ["--autotask-client", client]
    if command:
        arguments += ["--autotask-command", command]
    if in_process:
        arguments.append("--autotask-in-process")
    if workers:
        arguments += ["-n", str(workers)]
    if junit_xml:
        arguments += ["--junit-xml", str(junit_xml)]
    console.print(
        f"Autotask contract suite against {command or client or 'the configured client'} on the {profile} tenant"
    )
    raise typer.Exit(int(pytest.main(arguments)))


@app.command()
def verify(
    cassettes: Annotated[list[Path], typer.Argument(help="Cassettes to replay, in order.")],
    target: Annotated[
        str,
        typer.Option(help="fake, fake:PROFILE (name or TOML path), or a URL such as https://webservices2.autotask.net"),
    ] = "fake",
    allow_production: Annotated[bool, typer.Option(help="Replay against a host that is not a known sandbox.")] = False,
    yes: Annotated[bool, typer.Option(help="Send the writes without asking.")] = False,
) -> None:
    """Replay cassettes against a target and report every structural difference; exit 1 on drift."""
    import os

    import httpx

    from .cassettes import read_cassette
    from .live import CREDENTIAL_ENVIRONMENT, TargetRefused, check_target
    from .replay import fake_sender, http_sender, replay, writes_in

    differences = []
    try:
        if target == "fake" or target.startswith("fake:"):
            profile = target.partition(":")[2] or "default"
            for cassette in cassettes:
                seed = read_cassette(cassette).get("metadata", {}).get("provenance", {}).get("seed")
                differences += replay(cassette, fake_sender(profile, seed))
        else:
            from .settings import load_settings

            check_target(target, load_settings().sandbox_hosts, allow_production)
            username, secret, code = (os.environ.get(name) for name in CREDENTIAL_ENVIRONMENT)
            send = http_sender(target, username, secret, code, httpx.Client(timeout=60))
            writes = writes_in(cassettes)
            if writes:
                console.print(f"These {len(writes)} requests write to {target}:")
                for line in writes:
                    console.print(f"  {line}")
                if not yes and not typer.confirm("Send them?"):
                    raise typer.Exit(2)
            for cassette in cassettes:
                differences += replay(cassette, send)
    except TargetRefused as refused:
        console.print(f"[red]refused:[/] {refused}")
        raise typer.Exit(2) from None
    for difference in differences:
        console.print(difference.describe(), markup=False)
    console.print(
        f"{len(differences)} difference{'' if len(differences) == 1 else 's'} in "
        f"{len(cassettes)} cassette{'' if len(cassettes) == 1 else 's'} against {target}"
    )
    raise typer.Exit(1 if differences else 0)


def _field_value(entry: str) -> tuple[str, object]:
    """``--set FIELD=VALUE``: JSON when it parses (numbers, true, null), text otherwise."""
    name, _, raw = entry.partition("=")
    if not name.strip() or not raw:
        raise typer.BadParameter(f"expected FIELD=VALUE, got {entry!r}", param_hint="--set")
    try:
        return name.strip(), json.loads(raw)
    except ValueError:
        return name.strip(), raw


@app.command()
def probe(
    target: Annotated[
        str, typer.Option(help="Zone lookup host, e.g. https://webservices.autotask.net (or a served fake's URL).")
    ],
    out: Annotated[Path, typer.Option(help="Folder for the profile, entity files, cassette and report.")] = Path(
        "probe-out"
    ),
    company: Annotated[
        int | None, typer.Option(help="Company for the throw-away ticket (default: id 0, the tenant's own).")
    ] = None,
    queue: Annotated[
        int | None, typer.Option(help="Queue for the throw-away ticket (default: the picklist's default).")
    ] = None,
    set_field: Annotated[list[str] | None, typer.Option("--set", help="Another ticket field: FIELD=VALUE.")] = None,
    closing_status: Annotated[
        int | None, typer.Option(help="Status that closes the probe's tickets (default: one seen completing).")
    ] = None,
    cleanup_only: Annotated[bool, typer.Option(help="Only close what earlier, interrupted runs left open.")] = False,
    cassette: Annotated[bool, typer.Option(help="Record the probe's traffic, scrubbed.")] = True,
    allow_production: Annotated[bool, typer.Option(help="Probe a host that is not a known sandbox.")] = False,
) -> None:
    """Learn how a tenant behaves and write a profile the fake loads; credentials come from the environment."""
    import os

    from .live import CREDENTIAL_ENVIRONMENT, TargetRefused
    from .probe import ProbeOptions, run_probe
    from .probe.report import print_points
    from .settings import load_settings

    missing = [name for name in CREDENTIAL_ENVIRONMENT if not os.environ.get(name)]
    if missing:
        console.print(f"[red]refused:[/] set {', '.join(missing)} in the environment")
        raise typer.Exit(2)
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
        console.print(f"[red]refused:[/] {refused}")
        raise typer.Exit(2) from None
    if not cleanup_only:
        print_points(result.points, console)
    console.print("Created by this run, and what became of it:" if result.created else "Nothing was created.")
    for line in result.created:
        console.print(f"  {line}", markup=False)
    for problem in [*result.observations.problems, *result.problems]:
        console.print(f"[yellow]problem:[/] {escape(problem)}")
    if result.failed:
        console.print(f"[red]stopped at[/] {escape(result.failed)}")
    report_file = out / ("cleanup-report.md" if cleanup_only else "report.md")
    console.print(
        f"{result.requests} requests in {result.seconds:.1f} s; report in {report_file}"
        + (f", profile in {result.profile_path}" if result.profile_path else "")
    )
    raise typer.Exit(0 if result.ok else 1)


if __name__ == "__main__":
    app()

"""The ``autotask-harness`` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .errors import InputError, http_url, load_profile, loaded_factory, output_file, placeholders, run_command
from .help import PlainHelp
from .probe import probe
from .record import record
from .serve import serve
from .webhooks import webhooks

# Plain click help, not rich panels: piped (CI logs, `| less`) rich cuts option names off at 80 columns.
app = typer.Typer(
    help="Contract testing for Autotask PSA REST API integrations.",
    no_args_is_help=True,
    rich_markup_mode=None,
    # Errors are written by cli_errors.run_command, one or two lines each; tracebacks only with --debug.
    pretty_exceptions_enable=False,
    context_settings={"max_content_width": 120},
)
console = Console(soft_wrap=True)  # URLs stay on one line, whatever the width


def _version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        typer.echo(f"autotask-harness {version('autotask-contract-harness')}")
        raise typer.Exit(0)


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and stop.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback when a command fails (before the command).")
    ] = False,
) -> None:
    """Contract testing for Autotask PSA REST API integrations."""


def run() -> None:
    """The ``autotask-harness`` script: the app under the one error convention (cli_errors)."""
    raise SystemExit(run_command(app))


app.command(cls=PlainHelp)(serve)
app.command("record", cls=PlainHelp)(record)
app.command("webhooks", cls=PlainHelp)(webhooks)
app.command("probe", cls=PlainHelp)(probe)


@app.command("check", cls=PlainHelp)
def check_command(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="JOURNAL_OR_CASSETTE",
            help="A journal (.jsonl from serve --journal) or a cassette.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    output_format: Annotated[
        str, typer.Option("--format", metavar="text|json|junit", help="text, json or junit.")
    ] = "text",
    pack: Annotated[
        list[str] | None, typer.Option(metavar="PACK", help="Rule packs to run (default: from pyproject.toml).")
    ] = None,
    disable: Annotated[
        list[str] | None, typer.Option(metavar="RULE=REASON", help="Switch a rule off: RULE=REASON.")
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            metavar="PROFILE",
            help="Judge for this tenant: default, documented, or a profile.toml "
            "(its completing statuses and base-path casing).",
        ),
    ] = "default",
    html: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write the report as one self-contained HTML file here.")
    ] = None,
) -> None:
    """Check recorded traffic against the Autotask contract rules; exit 1 when any rule is broken."""
    from harness.reports import check as report
    from harness.rules import REGISTRY, RuleContext, check, rules_in
    from harness.rules.settings import load_settings
    from harness.traffic import load_traffic

    output_file(html, "--html")
    if output_format not in ("text", "json", "junit"):
        raise typer.BadParameter(f"{output_format!r}: choose text, json or junit", param_hint="'--format'")
    try:
        settings = load_settings()
    except ValueError as error:  # pyproject.toml switches a rule off without a reason
        raise InputError(str(error)) from None
    try:
        settings = settings.with_disabled(disable or [])
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'--disable'") from None
    packs = tuple(pack) if pack else settings.packs
    known_packs = sorted({r.pack for r in REGISTRY.values()})
    unknown_packs = [p for p in packs if p not in known_packs]
    if unknown_packs:  # a typo would otherwise run no rules and pass
        raise typer.BadParameter(
            f"no rule pack {', '.join(map(repr, unknown_packs))}; choose from {', '.join(known_packs)}",
            param_hint="'--pack'",
        )
    unknown_rules = sorted(set(settings.disabled) - set(REGISTRY))
    if unknown_rules:
        raise typer.BadParameter(
            f"no rule {', '.join(map(repr, unknown_rules))}; rules are {', '.join(sorted(REGISTRY))}",
            param_hint="'--disable'",
        )
    tenant = load_profile(profile)
    try:
        traffic = load_traffic(source)
    except ValueError as error:  # not a journal or a cassette: say so in one line
        raise typer.BadParameter(str(error), param_hint="JOURNAL_OR_CASSETTE") from None
    context = RuleContext.for_profile(tenant)
    violations = check(traffic, packs, settings.disabled, context)
    judged_by = rules_in(packs, settings.disabled)
    if output_format == "json":
        typer.echo(report.as_json(violations, traffic))
    elif output_format == "junit":
        typer.echo(report.junit(violations, traffic, judged_by, source=str(source)))
    else:
        report.text(violations, traffic, judged_by, console)
        for rule_id, reason in settings.disabled.items():
            console.print(f"[yellow]switched off[/] {rule_id}: {reason}")
    if html:
        from harness.reports.pages import check_page

        html.write_text(check_page(source, traffic, violations, judged_by, profile), encoding="utf-8")
        console.print(f"HTML report: {html}", markup=False)
    raise typer.Exit(1 if violations else 0)


@app.command(cls=PlainHelp)
def contract(
    client: Annotated[
        str | None,
        typer.Option(
            metavar="MODULE:FACTORY",
            help="Your client as module:factory (default: pyproject, then the reference client).",
        ),
    ] = None,
    command: Annotated[
        str | None,
        typer.Option(
            metavar="COMMAND",
            help="A non-Python client, run once per workflow; placeholders {root_url}, {base_url}, {ticket_number}, "
            "{note}, {resolution}, {completing_status}; credentials in AT_USERNAME, AT_SECRET, AT_INTEGRATION_CODE. "
            'E.g. "pwsh ./resolve.ps1 {root_url} {ticket_number} {note} {resolution} {completing_status}".',
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(metavar="N", min=0, help="Spread the suite over N processes (pytest-xdist).")
    ] = 0,
    junit_xml: Annotated[Path | None, typer.Option(metavar="FILE", help="Also write a JUnit XML report here.")] = None,
    html: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write the report as one self-contained HTML file here.")
    ] = None,
    profile: Annotated[
        str,
        typer.Option(
            metavar="PROFILE", help="The tenant to run on: default, documented, or a profile.toml that probe wrote."
        ),
    ] = "default",
    in_process: Annotated[
        bool,
        typer.Option(
            help="Reach a Python client in-process (fake.mock() at the production hosts) instead of over loopback."
        ),
    ] = False,
    allow_missing: Annotated[
        list[str] | None,
        typer.Option(
            metavar="OPERATION",
            help="Report this adapter operation as not supported instead of failing the scenarios that need it "
            "(repeat for more): resolve_ticket, set_resolution, add_note, query_all.",
        ),
    ] = None,
) -> None:
    """Run the Autotask contract suite against a client and print the report; an operation the client lacks
    fails it, unless --allow-missing names it."""
    import pytest

    from harness.contract.adapter import COMMAND_PLACEHOLDERS, OPERATIONS

    output_file(junit_xml, "--junit-xml")
    output_file(html, "--html")
    if client and command:
        raise typer.BadParameter("give --client or --command, not both", param_hint="'--command'")
    if command:
        placeholders(command, COMMAND_PLACEHOLDERS, "--command")
    if in_process and command:
        raise typer.BadParameter(
            "needs a Python client (--client); a command runs in its own process", param_hint="'--in-process'"
        )
    unknown = [name for name in allow_missing or [] if name not in OPERATIONS]
    if unknown:
        raise typer.BadParameter(
            f"no operation {', '.join(map(repr, unknown))}; choose from {', '.join(OPERATIONS)}",
            param_hint="'--allow-missing'",
        )
    if allow_missing and set(OPERATIONS) <= set(allow_missing):
        raise typer.BadParameter(
            "every operation is allowed missing, so the suite would test nothing; name only those your client "
            "does not offer",
            param_hint="'--allow-missing'",
        )
    load_profile(profile)
    if client:  # found and loaded here once, so a typo is one line rather than an error in every test
        loaded_factory(client, "--client")

    arguments = [
        "--pyargs",
        "contract_tests",
        "-p",
        "no:cacheprovider",
        # The contract report below says what failed and why, with the findings: pytest's own failure
        # section (hypothesis's draws included) would say it again at ten times the length. A user's addopts
        # must not change what this command prints either. `pytest --pyargs contract_tests` gives it all.
        "-o",
        "addopts=",
        "-q",
        "-rs",
        "--tb=no",
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
    for name in allow_missing or []:
        arguments += ["--autotask-allow-missing", name]
    if workers:
        arguments += ["-n", str(workers)]
    if junit_xml:
        arguments += ["--junit-xml", str(junit_xml)]
    if html:
        arguments += ["--autotask-html", str(html)]
    console.print(
        f"Autotask contract suite against {command or client or 'the configured client'} on the {profile} tenant"
    )
    raise typer.Exit(int(pytest.main(arguments)))


@app.command(cls=PlainHelp)
def verify(
    cassettes: Annotated[
        list[Path],
        typer.Argument(metavar="CASSETTE...", help="Cassettes to replay, in order.", exists=True, dir_okay=False),
    ],
    target: Annotated[
        str,
        typer.Option(
            metavar="TARGET",
            help="fake, fake:PROFILE (name or TOML path), or a URL such as https://webservices2.autotask.net",
        ),
    ] = "fake",
    allow_production: Annotated[bool, typer.Option(help="Replay against a host that is not a known sandbox.")] = False,
    yes: Annotated[bool, typer.Option(help="Send the writes without asking.")] = False,
    html: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write the drift as one self-contained HTML file here.")
    ] = None,
) -> None:
    """Replay cassettes against a target and report every structural difference; exit 1 on drift."""
    import os

    import httpx

    from harness.cassettes.replay import fake_sender, http_sender, replay, writes_in
    from harness.cassettes.vcr import is_cassette, read_cassette
    from harness.sandbox import CREDENTIAL_ENVIRONMENT, TargetRefused, check_target

    output_file(html, "--html")
    if not (target == "fake" or target.startswith("fake:")):
        http_url(target, "--target")
    for path in cassettes:  # every file is read before anything is sent
        if not is_cassette(path):
            raise typer.BadParameter(
                f"{path} is not a cassette (a .json file with interactions)", param_hint="CASSETTE"
            )
    differences = []
    try:
        if target == "fake" or target.startswith("fake:"):
            named = target.partition(":")[2]
            for cassette in cassettes:
                provenance = read_cassette(cassette).get("metadata", {}).get("provenance", {})
                # A cassette recorded from a served fake names its profile and seed: replay starts from both.
                profile = load_profile(named or _bundled(provenance.get("profile")), "--target")
                differences += replay(cassette, fake_sender(profile, provenance.get("seed")))
        else:
            from harness.rules.settings import load_settings

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
        raise InputError(f"refused: {refused}") from None
    for difference in differences:
        console.print(difference.describe(), markup=False)
    if html:
        from harness.cassettes.vcr import cassette_traffic
        from harness.reports.pages import verify_page

        traffic = {str(path): cassette_traffic(path) for path in cassettes}
        html.write_text(verify_page(cassettes, target, differences, traffic), encoding="utf-8")
        console.print(f"HTML report: {html}", markup=False)
    console.print(
        f"{len(differences)} difference{'' if len(differences) == 1 else 's'} in "
        f"{len(cassettes)} cassette{'' if len(cassettes) == 1 else 's'} against {target}"
    )
    raise typer.Exit(1 if differences else 0)


def _bundled(profile: object) -> str:
    """A cassette's recorded profile when it is one of the bundled ones (a TOML path names another machine)."""
    from fake_server.face import BUNDLED

    return profile if isinstance(profile, str) and profile in BUNDLED else "default"


if __name__ == "__main__":
    run()

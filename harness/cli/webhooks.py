"""``autotask-harness webhooks``: the receiver contract against a Python receiver or a command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

REFERENCE_RECEIVER = "harness.webhooks.receiver:make_receiver"


def webhooks(
    receiver: Annotated[
        str | None,
        typer.Option(
            metavar="MODULE:FACTORY",
            help="A Python receiver: a factory taking ReceiverConfig and returning an ASGI app, served in this "
            f"process (default: the reference receiver, {REFERENCE_RECEIVER}).",
        ),
    ] = None,
    command: Annotated[
        str | None,
        typer.Option(
            metavar="COMMAND",
            help="A receiver in any language, started once: placeholders {port} (where it must listen on "
            "127.0.0.1) and {base_url} (the fake's API); AT_USERNAME, AT_SECRET, AT_INTEGRATION_CODE, "
            'AUTOTASK_BASE_URL and AUTOTASK_WEBHOOK_SECRET in its environment. E.g. "node receiver.js {port}".',
        ),
    ] = None,
    path: Annotated[str, typer.Option(metavar="PATH", help="The path the command's receiver takes callouts on.")] = "/",
    timeout: Annotated[
        float, typer.Option(metavar="SECONDS", help="How long a callout waits for its answer (Autotask: 10).")
    ] = 10.0,
    profile: Annotated[
        str, typer.Option(metavar="PROFILE", help="The tenant: default, documented, or a profile.toml.")
    ] = "default",
    junit_xml: Annotated[Path | None, typer.Option(metavar="FILE", help="Also write a JUnit XML report here.")] = None,
    html: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Also write the report as one self-contained HTML file here.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every exchange of every case.")] = False,
) -> None:
    """Send a webhook receiver Autotask's callouts (genuine, forged, repeated, late) and judge its answers and
    what it then does to the API; exit 1 when a rule is broken."""
    from harness.webhooks.contract import ReceiverFactory, run_contract
    from harness.webhooks.report import html as html_page
    from harness.webhooks.report import junit, text

    from .errors import load_profile, loaded_factory, output_file

    output_file(junit_xml, "--junit-xml")
    output_file(html, "--html")
    if receiver and command:
        raise typer.BadParameter("give --receiver or --command, not both", param_hint="--command")
    if timeout <= 0:
        raise typer.BadParameter("must be more than 0", param_hint="--timeout")
    if not path.startswith("/"):
        raise typer.BadParameter("must start with /", param_hint="--path")
    tenant = load_profile(profile)
    target: ReceiverFactory | str = command or loaded_factory(receiver or REFERENCE_RECEIVER, "--receiver")
    if command:
        try:
            command.format(port=0, base_url="")
        except (KeyError, IndexError, ValueError) as failed:
            raise typer.BadParameter(
                f"placeholders are {{port}} and {{base_url}} ({failed!r})", param_hint="--command"
            ) from None
    try:
        run = run_contract(target, profile=tenant, timeout=timeout, path=path)
    except RuntimeError as failed:  # the receiver did not start: its own last words, in one line
        typer.echo(f"error: {' '.join(str(failed).split())[:300]}", err=True)
        raise typer.Exit(2) from None
    typer.echo(text(run, verbose=verbose))
    if junit_xml:
        junit_xml.write_text(junit(run), encoding="utf-8")
        typer.echo(f"JUnit XML: {junit_xml}")
    if html:
        html.write_text(html_page(run), encoding="utf-8")
        typer.echo(f"HTML report: {html}")
    raise typer.Exit(0 if run.passed else 1)

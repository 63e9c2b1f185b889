"""The ``serve`` command: one tenant, or a tenant per API user, over HTTP until SIGINT or SIGTERM."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from fake_server import FakeAutotask, Limits
from fake_server.face import SERVED_KEEP, AsgiApp, TenantsByCredentials
from harness.reports.live_view import live_view
from harness.serving.exchange_log import ExchangeLog
from harness.serving.seeding import SEED_HELP
from harness.serving.server import deliver_callouts, sigterm_as_ctrl_c, tenant_maker, uvicorn_config
from harness.serving.state_file import StateKeeper, StateRefused, read_state, restore_served, served_snapshots

from .errors import InputError, bound_socket, checked_seed, load_profile, output_file, output_folder

console = Console(soft_wrap=True)  # URLs stay on one line, whatever the width


def serve(
    host: Annotated[str, typer.Option(metavar="HOST", help="Address to listen on; keep it on loopback.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(metavar="PORT", min=0, max=65535, help="Port to listen on; 0 picks a free one.")
    ] = 8765,
    profile: Annotated[
        str, typer.Option(metavar="PROFILE", help="Tenant profile: default, documented, or a TOML path.")
    ] = "default",
    seed: Annotated[str | None, typer.Option(metavar="SEED", help=SEED_HELP)] = None,
    journal: Annotated[
        Path | None,
        typer.Option(
            metavar="PATH",
            help="Append every exchange to this JSON-lines file; with --tenants by-credentials, a directory "
            "holding KEY.jsonl per tenant.",
        ),
    ] = None,
    journal_keep: Annotated[
        int,
        typer.Option(
            metavar="N",
            min=0,
            help=f"Hold the latest N exchanges in memory (the state API's journal, the live view); older ones "
            f"are dropped, and said to be. --journal files keep every one. 0: hold all.  [default: {SERVED_KEEP}]",
            show_default=False,
        ),
    ] = SERVED_KEEP,
    state_api: Annotated[
        bool, typer.Option(help="Serve /_harness/ health, reset, empty, seed, journal and faults.")
    ] = False,
    limits: Annotated[bool, typer.Option(help="Apply the API's hourly and thread limits.")] = True,
    tenants: Annotated[
        str,
        typer.Option(
            metavar="one|by-credentials",
            help="one: every request reaches one tenant. by-credentials: each ApiIntegrationCode + UserName "
            "gets its own tenant, made on first use from the profile and seed.",
        ),
    ] = "one",
    state: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="Keep the tenants in this file: loaded at start, written at stop and every --state-interval "
            "seconds (atomically). A torn or foreign file is refused.",
        ),
    ] = None,
    state_interval: Annotated[
        float, typer.Option(metavar="SECONDS", help="Seconds between writes of --state; 0 writes only at stop.")
    ] = 30.0,
    webhook_allow_host: Annotated[
        list[str] | None,
        typer.Option(
            metavar="HOST",
            help="A host beyond loopback that webhook callouts may reach (repeat for more). Callouts to any "
            "other host are refused without a connection.",
        ),
    ] = None,
    webhook_time_scale: Annotated[
        float,
        typer.Option(
            metavar="FACTOR",
            help="Run webhook delivery time this many times faster than real time: 60 makes the 30 s retry "
            "wait half a second.",
        ),
    ] = 1.0,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="Print a line per exchange: method, path, status, milliseconds (credentials redacted).",
        ),
    ] = False,
) -> None:
    """Serve a fake Autotask tenant over HTTP for clients in any language."""
    if tenants not in ("one", "by-credentials"):
        raise typer.BadParameter(f"{tenants!r}: choose one or by-credentials", param_hint="'--tenants'")
    if not webhook_time_scale > 0 or webhook_time_scale == float("inf"):
        raise typer.BadParameter("must be a positive number", param_hint="'--webhook-time-scale'")
    if state_interval < 0 or state_interval == float("inf"):
        raise typer.BadParameter("must be 0 or a positive number of seconds", param_hint="'--state-interval'")
    for allowed in webhook_allow_host or []:
        if not allowed.strip() or any(c in allowed for c in "/: "):
            raise typer.BadParameter(
                f"{allowed!r}: give a host name, such as hooks.example.com", param_hint="'--webhook-allow-host'"
            )
    (output_folder if tenants == "by-credentials" else output_file)(journal, "--journal")
    output_file(state, "--state")
    tenant_profile = load_profile(profile)
    snapshot = checked_seed(seed, tenant_profile)
    delivering = deliver_callouts(webhook_allow_host or [], webhook_time_scale)

    def callouts(made: FakeAutotask) -> None:  # what every tenant served gets: its callouts, a bounded journal
        delivering(made)
        made.journal.limit(journal_keep)

    chosen_limits = None if limits else Limits.off()
    sock = bound_socket(host, port)  # a port in use is refused before anything is written or printed
    directory: TenantsByCredentials[FakeAutotask] | None = None
    if tenants == "by-credentials":
        directory = TenantsByCredentials(
            tenant_maker(tenant_profile, limits=chosen_limits, seed=seed, journal_dir=journal, webhooks=callouts)
        )
        fake = directory.anonymous
    else:
        fake = FakeAutotask(tenant_profile, limits=chosen_limits)
        callouts(fake)
    keeper: StateKeeper | None = None
    if state is not None:
        try:
            kept = read_state(state)
        except StateRefused as error:
            raise InputError(str(error)) from None
        if kept is not None:
            try:
                restored = restore_served(kept, state, fake, directory)
            except StateRefused as error:
                raise InputError(str(error)) from None
            console.print(f"state: {restored} tenant{'' if restored == 1 else 's'} read from {state}")
            if directory is None:  # the state is the tenant now, not the seed
                snapshot = None
        keeper = StateKeeper(state, lambda: served_snapshots(fake, directory), state_interval)
    # Ctrl-C and SIGTERM stop it alike: in-flight answers finish, then the summary. Every answered exchange
    # is in the journal file before its answer is sent, so even SIGKILL loses none of them.
    with sigterm_as_ctrl_c():
        try:
            if keeper is not None:
                keeper.start()
            if snapshot is not None and directory is None:
                counts = fake.load_baseline(snapshot)  # POST /_harness/reset comes back to it
                console.print("seeded " + ", ".join(f"{n} {entity}" for entity, n in counts.items()))
                fake.journal.clear()
            if journal and directory is None and (torn := fake.journal.stream_to(journal)):
                console.print(f"{journal} ended in a line torn by a killed serve: cut its {torn} bytes off")
            bound = sock.getsockname()[1]
            root = f"http://{host}:{bound}"
            console.print(f"Fake Autotask ({fake.profile.name} profile) serving")
            console.print(f"  base URL:        {root}/ATServicesRest/V1.0")
            console.print(f"  zone discovery:  {root}/ATServicesRest/V1.0/zoneInformation?user=<api user>")
            if directory is not None:
                console.print("  tenants:         one per ApiIntegrationCode + UserName, made on first use")
            if state_api:
                console.print(f"  state API:       {root}/_harness/ (health, reset, empty, seed, journal, faults)")
                console.print(f"  live view:       {root}/_harness/")
            console.print("Press Ctrl-C to stop.")
            views = live_view(fake, directory) if state_api else None
            app = AsgiApp(fake, state_api=state_api, tenants=directory, views=views)
            logged = ExchangeLog(app, lambda line: console.print(line, markup=False, highlight=False))
            uvicorn.Server(uvicorn_config(logged if verbose else app)).run(sockets=[sock])
        except KeyboardInterrupt:
            pass  # uvicorn hands the signal back once it has shut down; stopping is the point, not an error
        finally:
            if keeper is not None:
                keeper.stop()
                console.print(f"state written to {state}")
            served = directory.items() if directory is not None else [("", fake)]
            for _, core in served:
                core.webhooks.stop()
                core.journal.close()
            count = sum(core.journal.ever for _, core in served)  # resets clear the journal, not the count
            summary = f"stopped after {count} exchange{'' if count == 1 else 's'}"
            if directory is not None:
                summary += f" with {len(directory)} tenant{'' if len(directory) == 1 else 's'}"
            console.print(summary + (f"; journal in {journal}" if journal else ""))

"""The receiver contract: serve a seeded fake, start the receiver, send it the battery, judge each case.

Each case's traffic is its callouts (as the report keeps them: signature replaced by its kind) each followed
by the API requests the receiver made before the next callout went out; the harness waits for the journal to
go quiet after each callout, so a receiver that answers at once and works afterwards is judged on its work.
A case is judged by the ``webhook-receiver`` rules and, over its API requests, by the ``contract`` rules.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import uvicorn

from fake_server import Exchange, FakeAutotask, Limits, TenantProfile
from fake_server.face import REDACTED, Receive, Scope, Send
from harness.contract.suite import CREDENTIALS, Outcome
from harness.rules import CONTRACT, RuleContext, Violation, check, rules_in
from harness.rules.receiver import RECEIVER, is_callout
from harness.serving.server import ServedFake, free_socket, uvicorn_config

from .battery import Case, Delivery, battery

# Autotask waits 10 s for an answer (DOCS Webhooks_Error_Handling.htm); tests pass a shorter one.
AUTOTASK_TIMEOUT = 10.0
SECRET_KEY_VARIABLE = "AUTOTASK_WEBHOOK_SECRET"
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class ReceiverConfig:
    """What a receiver needs: where the API is, the API user, and the webhook's secret key."""

    base_url: str
    username: str
    secret: str
    integration_code: str
    secret_key: str


ReceiverFactory = Callable[[ReceiverConfig], Asgi]


@dataclass
class CaseResult:
    name: str
    summary: str
    outcome: Outcome
    seconds: float


@dataclass
class ReceiverRun:
    """The battery's verdicts, and what the receiver printed (a command's output) for the secrets test."""

    receiver: str
    cases: list[CaseResult] = field(default_factory=list)
    output: str = ""
    # The secret key and every signature the battery sent: reports redact them wherever a receiver echoed
    # one (kept in memory only, never shown).
    redactions: frozenset[str] = field(default=frozenset(), repr=False)

    @property
    def passed(self) -> bool:
        return all(c.outcome.passed for c in self.cases)

    def rules_broken(self) -> set[str]:
        return {f.rule for c in self.cases for f in c.outcome.findings}


def _wait_quiet(fake: FakeAutotask, quiet: float, longest: float) -> None:
    """Until no new exchange reached the journal for ``quiet`` seconds (at most ``longest``)."""
    deadline = time.monotonic() + longest
    count, since = len(fake.journal), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.02)
        now = len(fake.journal)
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def _without(content: bytes, secrets: frozenset[str]) -> bytes:
    for value in secrets:
        content = content.replace(value.encode(), REDACTED.encode())
    return content


def _send(http: httpx.Client, url: str, case: str, delivery: Delivery, secrets: frozenset[str]) -> Exchange:
    started = time.time()
    try:
        answer = http.post(url, content=delivery.body, headers=delivery.sent_headers())
        status, content = answer.status_code, _without(answer.content, secrets)
    except httpx.HTTPError:  # no answer in time, or none at all: Autotask counts both as a failed delivery
        status, content = 0, b""
    return Exchange(
        "POST", url, delivery.recorded_headers(case), delivery.body, status, content, started, time.time() - started
    )


def _judge(traffic: list[Exchange], context: RuleContext) -> list[Violation]:
    numbered = [e.numbered(n) for n, e in enumerate(traffic, 1)]
    found = check(numbered, (RECEIVER,), context=context)
    api = [e for e in numbered if "X-Harness-Callout" not in e.request_headers]
    back = {n: e.position for n, e in enumerate(api, 1)}
    renumbered = [e.numbered(n) for n, e in enumerate(api, 1)]
    found += [
        replace(v, exchanges=tuple(back[p] for p in v.exchanges))
        for v in check(renumbered, (CONTRACT,), context=context)
    ]
    return found


def secrets_of(cases: list[Case]) -> frozenset[str]:
    """Every signature the battery sends (the secret key itself is added by whoever holds it)."""
    return frozenset(d.header.removeprefix("sha1=") for c in cases for d in c.deliveries if d.header)


def run_battery(
    fake: FakeAutotask,
    cases: list[Case],
    url: str,
    *,
    timeout: float = AUTOTASK_TIMEOUT,
    quiet: float = 0.3,
    redactions: frozenset[str] = frozenset(),
) -> list[CaseResult]:
    """Send each case's deliveries to ``url`` and judge what came back and what the receiver did; the
    ``redactions`` (and every signature sent) are cut out of the answers as they arrive."""
    context = RuleContext.for_fake(fake)
    judged_by = [r.id for r in rules_in((RECEIVER, CONTRACT))]
    results = []
    secrets = secrets_of(cases) | redactions
    with httpx.Client(timeout=timeout) as http:
        for case in cases:
            started = time.monotonic()
            traffic: list[Exchange] = []
            for delivery in case.deliveries:
                if delivery.before is not None:
                    delivery.before(fake)  # the user's change: in the journal, but not the receiver's doing
                mark = len(fake.journal)
                traffic.append(_send(http, url, case.name, delivery, secrets))
                _wait_quiet(fake, quiet, longest=max(5.0, timeout))
                traffic += list(fake.journal)[mark:]
            traffic = [e.numbered(n) for n, e in enumerate(traffic, 1)]
            # Judged as plain exchanges (the rules skip outbound ones); shown as the callouts they are.
            shown = [replace(e, outbound=True) if is_callout(e) else e for e in traffic]
            outcome = Outcome(_judge(traffic, context), rules=judged_by, traffic=shown)
            results.append(CaseResult(case.name, case.summary, outcome, time.monotonic() - started))
    return results


@contextlib.contextmanager
def serving_app(app: Asgi) -> Iterator[str]:
    """A receiver's ASGI app served in this process on a free loopback port; yields its URL."""
    sock = free_socket()
    server = uvicorn.Server(uvicorn_config(app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="webhook-receiver")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the receiver did not start")
        time.sleep(0.005)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def running_command(template: str, config: ReceiverConfig, output: list[str], path: str = "/") -> Iterator[str]:
    """A receiver in any language, started from ``template`` ({port}, {base_url} filled in; the API user in
    AT_USERNAME, AT_SECRET, AT_INTEGRATION_CODE; the secret key in AUTOTASK_WEBHOOK_SECRET); yields its URL
    once its port accepts connections. What it printed is appended to ``output`` when it stops."""
    port = _free_port()
    command = [part.format(port=port, base_url=config.base_url) for part in shlex.split(template)]
    env = {
        **os.environ,
        "AT_USERNAME": config.username,
        "AT_SECRET": config.secret,
        "AT_INTEGRATION_CODE": config.integration_code,
        "AUTOTASK_BASE_URL": config.base_url,
        SECRET_KEY_VARIABLE: config.secret_key,
    }
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 20
            while True:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the receiver did not listen on port {port}: {log.read()[-500:]}")
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port}{path}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.seek(0)
            output.append(log.read())


def run_contract(
    receiver: ReceiverFactory | str,
    *,
    profile: TenantProfile | str | Path = "default",
    secret_key: str | None = None,
    timeout: float = AUTOTASK_TIMEOUT,
    quiet: float = 0.3,
    path: str = "/",
) -> ReceiverRun:
    """The whole contract against a receiver: a Python factory (served in this process) or a command."""
    fake = FakeAutotask(
        profile if isinstance(profile, TenantProfile) else TenantProfile.load(profile), limits=Limits.off()
    )
    key = secret_key or os.urandom(16).hex()
    cases = battery(fake, key)
    fake.journal.clear()
    name = receiver if isinstance(receiver, str) else f"{receiver.__module__}:{receiver.__qualname__}"
    run = ReceiverRun(name, redactions=secrets_of(cases) | {key})
    output: list[str] = []
    with ServedFake(fake) as served:
        config = ReceiverConfig(
            served.base_url, CREDENTIALS["username"], CREDENTIALS["secret"], CREDENTIALS["integration_code"], key
        )
        launch = (
            running_command(receiver, config, output, path)
            if isinstance(receiver, str)
            else serving_app(receiver(config))
        )
        with launch as url:
            run.cases = run_battery(fake, cases, url, timeout=timeout, quiet=quiet, redactions=run.redactions)
    run.output = _without("".join(output).encode(), run.redactions).decode()
    return run

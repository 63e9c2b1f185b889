"""Webhooks of a served fake (real HTTP to loopback, retries on a compressed clock, other hosts only when named
on the command line), and callouts wherever traffic is shown: rules, HTML, cassettes."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from fake_server import FakeAutotask
from harness.cassettes.vcr import autotask_vcr, cassette_traffic
from harness.reports.html import exchange_html
from harness.rules import check
from harness.traffic import load_traffic
from tests.conftest import CREDENTIALS, TickingClock, ticket_body
from tests.serve_process import run_harness, serve_process
from tests.test_webhooks import register
from tests.webhook_receiver import SECRET_KEY, Receiver

BASE = "https://webservices19.autotask.net/ATServicesRest/V1.0"


def wait_for(condition: object, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.02)
    raise AssertionError("timed out")


def test_a_served_fake_calls_a_loopback_receiver_and_retries_on_the_compressed_clock(receiver: Receiver) -> None:
    process, base, _ = serve_process("--webhook-time-scale", "300")
    try:
        with httpx.Client(headers=CREDENTIALS, timeout=10) as http:
            company = http.post(
                f"{base}/Companies",
                json={"companyName": "C", "companyType": 1, "ownerResourceID": 4, "phone": "5550100"},
            )
            assert company.status_code == 200, company.text
            register(http, receiver, base=base)
            receiver.status = 500
            started = time.monotonic()
            http.post(f"{base}/Tickets", json=ticket_body(company.json()["itemId"]))
            wait_for(lambda: len(receiver.callouts()) == 5)
            elapsed = time.monotonic() - started
            assert all(c.verified for c in receiver.callouts())
            assert elapsed < 5  # 2 minutes of retries at 300x: 0.4 s, not 120 s
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_refuses_a_time_scale_that_is_not_positive() -> None:
    result = run_harness("serve", "--port", "0", "--webhook-time-scale", "0")
    assert result.returncode == 2
    assert "--webhook-time-scale" in result.stdout + result.stderr


def test_the_fakes_callouts_are_shown_as_such_and_never_judged_by_the_rules(receiver: Receiver) -> None:
    fake = FakeAutotask(clock=TickingClock())
    company = fake.seed("Companies", {"companyName": "Contoso", "companyType": 1, "ownerResourceID": 4})
    with httpx.Client(transport=fake.transport(), headers=CREDENTIALS) as http:
        register(http, receiver)
        http.post(f"{BASE}/Tickets", json=ticket_body(company))
    fake.webhooks.drain()
    traffic = load_traffic(fake.journal)
    callout = traffic[-1]
    assert callout.outbound
    assert "webhook callout" in exchange_html(callout, "e1") and receiver.url in exchange_html(callout, "e1")
    assert all(callout.position not in v.exchanges for v in check(traffic))


def test_a_cassette_recorded_while_callouts_go_out_keeps_them_marked_and_unsigned(
    receiver: Receiver, tmp_path: Path
) -> None:
    fake = FakeAutotask(clock=TickingClock())
    company = fake.seed("Companies", {"companyName": "Contoso", "companyType": 1, "ownerResourceID": 4})
    with httpx.Client(transport=fake.transport(), headers=CREDENTIALS) as http:
        register(http, receiver)
        with autotask_vcr(record_mode="all").use_cassette(str(tmp_path / "hooks.json")):
            http.post(f"{BASE}/Tickets", json=ticket_body(company))
            fake.webhooks.drain()
    recorded = cassette_traffic(tmp_path / "hooks.json")
    callouts = [e for e in recorded if e.outbound]
    assert [e.url for e in callouts] == [f"{receiver.url}/hook"]
    assert not any("signature" in name.lower() for name in callouts[0].request_headers)
    text = (tmp_path / "hooks.json").read_text()
    assert SECRET_KEY not in text and (receiver.callouts()[0].signature or "x")[5:] not in text


def test_serve_lets_callouts_reach_only_loopback_and_the_hosts_named_on_its_command_line() -> None:
    from harness.serving.server import deliver_callouts

    fake = FakeAutotask()
    deliver_callouts(["Hooks.Example.com"], 60.0)(fake)
    try:
        courier = fake.webhooks.courier
        assert courier.refusal("https://hooks.example.com/in") is None
        assert courier.refusal("http://127.0.0.1:9/in") is None and courier.refusal("http://[::1]:9/in") is None
        assert "neither loopback nor allowed" in (courier.refusal("https://relay.example.net/in") or "")
        assert courier.timeout == pytest.approx(10 / 60)
    finally:
        fake.webhooks.stop()


def test_the_state_api_moves_a_tenants_webhook_clock_and_refuses_a_bad_amount(receiver: Receiver) -> None:
    from fake_server import ApiRequest
    from fake_server.state_api import answer_state

    fake = FakeAutotask(clock=TickingClock())
    company = fake.seed("Companies", {"companyName": "Contoso", "companyType": 1, "ownerResourceID": 4})
    with httpx.Client(transport=fake.transport(), headers=CREDENTIALS) as http:
        register(http, receiver)
        receiver.status = 500
        http.post(f"{BASE}/Tickets", json=ticket_body(company))

    def advance(body: bytes) -> tuple[int, object]:
        answer = answer_state(
            "webhooks", ApiRequest("POST", "http://127.0.0.1/_harness/webhooks", body=body), fake, None
        )
        return answer.status, answer.body

    assert advance(b'{"advance": 0}') == (200, {"attempts": 1, "pending": 1})
    assert advance(b'{"advance": 120}') == (200, {"attempts": 4, "pending": 0})
    status, body = advance(b'{"advance": "soon"}')
    assert status == 400 and "advance must be a number" in str(body)
    assert len(receiver.callouts()) == 5


def test_with_a_tenant_per_api_user_each_tenant_delivers_its_own_callouts(receiver: Receiver) -> None:
    from fake_server.tenancy import TenantsByCredentials
    from harness.serving.server import deliver_callouts, tenant_maker

    tenants = TenantsByCredentials(tenant_maker("default", webhooks=deliver_callouts([], 1000.0)))
    first, second = tenants.get_or_make("first"), tenants.get_or_make("second")
    try:
        with httpx.Client(transport=first.transport(), headers=CREDENTIALS) as http:
            register(http, receiver)
            http.post(f"{BASE}/Tickets", json={"companyID": 0, "title": "t", "status": 1, "priority": 2})
        with httpx.Client(transport=second.transport(), headers=CREDENTIALS) as http:
            http.post(f"{BASE}/Tickets", json={"companyID": 0, "title": "t", "status": 1, "priority": 2})
        assert first.webhooks.wait(timeout=10) and second.webhooks.pending() == 0
        assert [c.json["Action"] for c in receiver.callouts()] == ["Create"]  # the second tenant has no webhook
        assert [e.outbound for e in first.journal][-1] and not any(e.outbound for e in second.journal)
    finally:
        for _, core in tenants.items():
            core.webhooks.stop()

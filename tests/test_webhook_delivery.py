"""Delivery as Autotask delivers, on the fake's clock: retries 30 s apart, five attempts, an error-log entry,
deactivation after 25 failed events with an unsigned notice; where callouts may go; journal and secrets."""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest

from fake_server import FakeAutotask
from fake_server.webhooks.outbox import ATTEMPTS, FAILED_EVENTS_TO_DEACTIVATE, RETRY_SECONDS
from tests.conftest import BASE, CREDENTIALS, ticket_body
from tests.test_webhooks import field_ids, register, webhook_body
from tests.webhook_receiver import SECRET_KEY, Receiver


def test_a_failing_receiver_gets_five_attempts_30_seconds_apart_then_an_error_log_entry(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    webhook_id = register(http, receiver)
    receiver.status = 500
    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    assert fake.webhooks.drain() == 1
    assert fake.webhooks.drain() == 0  # the retry is not due until the clock moves
    fake.webhooks.advance(RETRY_SECONDS * (ATTEMPTS - 1))
    attempts = [a for a in fake.webhooks.attempts if not a.notice]
    assert [a.at for a in attempts] == [RETRY_SECONDS * n for n in range(ATTEMPTS)]
    assert len(receiver.callouts()) == ATTEMPTS and fake.webhooks.pending() == 0
    logs = http.post(f"{BASE}/WebhookEventErrorLogs/query", json={"filter": [{"op": "exist", "field": "id"}]})
    [entry] = logs.json()["items"]
    assert entry["sequenceNumber"] == 1 and "answered 500" in entry["errorMessage"]
    assert json.loads(entry["payload"])["Action"] == "Create"
    assert http.get(f"{BASE}/TicketWebhooks/{webhook_id}").json()["item"]["isActive"] is True


def test_a_later_success_resets_the_count_and_queued_callouts_keep_their_order(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    register(http, receiver, subscribed=("title",))
    receiver.status = 503
    for title in ("first", "second"):
        http.post(f"{BASE}/Tickets", json=ticket_body(company, title=title))
    fake.webhooks.drain()
    receiver.status = 200
    fake.webhooks.advance(RETRY_SECONDS)
    titles = [c.json["Fields"]["title"] for c in receiver.callouts()]
    assert titles == ["first", "first", "second"]  # the second waited behind the first's retry


def test_twenty_five_failed_events_deactivate_the_webhook_and_notify_its_deactivation_url_unsigned(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    webhook_id = register(http, receiver, subscribed=("title",))
    receiver.status = 500
    for n in range(FAILED_EVENTS_TO_DEACTIVATE + 1):
        http.post(f"{BASE}/Tickets", json=ticket_body(company, title=f"t{n}"))
    fake.webhooks.advance(3600)
    item = http.get(f"{BASE}/TicketWebhooks/{webhook_id}").json()["item"]
    assert item["isActive"] is False
    assert len(receiver.callouts()) == FAILED_EVENTS_TO_DEACTIVATE * ATTEMPTS  # the 26th was dropped
    [notice] = receiver.notices()
    assert (
        notice.signature is None
        and notice.json["Action"] == "Deactivated"
        and notice.json["Guid"] == item["webhookGUID"]
    )
    count = http.post(f"{BASE}/WebhookEventErrorLogs/query/count", json={"filter": [{"op": "exist", "field": "id"}]})
    assert count.json()["queryCount"] == FAILED_EVENTS_TO_DEACTIVATE
    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    assert fake.webhooks.drain() == 0  # inactive now: nothing more


def test_turning_a_webhook_inactive_through_the_api_notifies_its_deactivation_url(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver
) -> None:
    webhook_id = register(http, receiver)
    item = http.get(f"{BASE}/TicketWebhooks/{webhook_id}").json()["item"]
    answer = http.put(f"{BASE}/TicketWebhooks", json={**item, "isActive": False})
    assert answer.status_code == 200, answer.text
    fake.webhooks.drain()
    assert [n.json["Action"] for n in receiver.notices()] == ["Deactivated"]


def test_a_host_that_is_neither_loopback_nor_allowed_is_never_contacted(
    fake: FakeAutotask, http: httpx.Client, company: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[Any] = []
    real = socket.getaddrinfo

    def recording(host: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording)
    hook = http.post(
        f"{BASE}/TicketWebhooks",
        json=webhook_body(Receiver(SECRET_KEY, url="https://hooks.example.com"), Name="outside"),
    ).json()["itemId"]
    http.post(
        f"{BASE}/TicketWebhooks/{hook}/Fields", json={"fieldID": field_ids(http)["status"], "isSubscribedField": True}
    )
    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    fake.webhooks.advance(600)
    attempts = fake.webhooks.attempts
    assert len(attempts) == ATTEMPTS and all(a.outcome.status == 0 for a in attempts)
    assert "neither loopback nor allowed" in (attempts[0].outcome.error or "")
    assert "hooks.example.com" not in looked_up


def test_an_allowed_host_is_contacted_through_the_same_interception_as_requests(
    fake: FakeAutotask, http: httpx.Client, company: int
) -> None:
    fake.webhooks.allow_hosts("hooks.example.com")
    hook = http.post(
        f"{BASE}/TicketWebhooks", json=webhook_body(Receiver(SECRET_KEY, url="https://hooks.example.com"))
    ).json()["itemId"]
    http.post(
        f"{BASE}/TicketWebhooks/{hook}/Fields", json={"fieldID": field_ids(http)["status"], "isSubscribedField": True}
    )
    with fake.mock() as router:
        route = router.post("https://hooks.example.com/hook").respond(200)
        http.post(f"{BASE}/Tickets", json=ticket_body(company))
        fake.webhooks.drain()
    assert route.call_count == 1
    assert route.calls[0].request.headers["X-Hook-Signature"].startswith("sha1=")


def test_a_wsgi_and_an_asgi_receiver_mounted_in_process_receive_callouts(
    fake: FakeAutotask, http: httpx.Client, company: int
) -> None:
    got: list[tuple[str, bytes]] = []

    def wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        got.append(("wsgi", environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))))
        start_response("204 No Content", [])
        return [b""]

    async def asgi_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        got.append(("asgi", message.get("body", b"")))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    fake.webhooks.mount("http://wsgi.receiver.test", wsgi_app)
    fake.webhooks.mount("http://asgi.receiver.test", asgi_app)
    for host in ("wsgi", "asgi"):
        register(http, Receiver(SECRET_KEY, url=f"http://{host}.receiver.test"))
    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    fake.webhooks.drain()
    assert sorted(kind for kind, _ in got) == ["asgi", "wsgi"]
    assert all(json.loads(body)["Action"] == "Create" for _, body in got)
    assert all(a.outcome.delivered for a in fake.webhooks.attempts)


def test_callouts_are_journalled_as_outbound_without_the_signature_or_the_secret_key(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int, tmp_path: Any
) -> None:
    webhook_id = register(http, receiver)
    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    fake.webhooks.drain()
    outbound = [e for e in fake.journal if e.outbound]
    assert [(e.method, e.url, e.status) for e in outbound] == [("POST", f"{receiver.url}/hook", 200)]
    assert outbound[0].request_json["Action"] == "Create"
    assert not any(name.lower() == "x-hook-signature" for name in outbound[0].request_headers)
    assert fake.journal.to_dicts()[-1]["outbound"] is True
    assert http.get(f"{BASE}/TicketWebhooks/{webhook_id}").json()["item"]["secretKey"] is None
    journal_file = tmp_path / "journal.jsonl"
    fake.journal.dump_jsonl(journal_file)
    state = json.dumps(fake.export_snapshot())
    signature = receiver.callouts()[0].signature or ""
    for text in (journal_file.read_text(), state):
        assert SECRET_KEY not in text and signature.removeprefix("sha1=") not in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"WebhookUrl": None}, "webhookUrl is a required field"),
        ({"DeactivationUrl": None}, "deactivationUrl is a required field"),
        ({"SecretKey": None}, "secretKey is a required field"),
        ({"WebhookUrl": "ftp://127.0.0.1/x"}, "not an absolute http or https URL"),
        ({"DeactivationUrl": "http://[::1/x"}, "not an absolute http or https URL"),
        ({"WebhookUrl": "http://127.0.0.1:99999/x"}, "not an absolute http or https URL"),
        ({"Name": "n" * 51}, "holds at most 50"),
        ({"SecretKey": "k" * 65}, "holds at most 64"),
    ],
)
def test_a_webhook_the_api_would_refuse_is_refused_in_its_envelope_and_nothing_is_stored(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, change: dict[str, Any], message: str
) -> None:
    answer = http.post(f"{BASE}/TicketWebhooks", json=webhook_body(receiver, **change))
    assert answer.status_code == 500
    assert message in answer.json()["errors"][0]
    assert fake.records("TicketWebhooks") == []


def test_a_field_the_entity_cannot_subscribe_or_a_field_twice_is_refused(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver
) -> None:
    webhook_id = register(http, receiver, subscribed=("status",))
    unknown = http.post(f"{BASE}/TicketWebhooks/{webhook_id}/Fields", json={"fieldID": 9999, "isSubscribedField": True})
    assert unknown.status_code == 500 and "fieldID" in unknown.json()["errors"][0]
    twice = http.post(
        f"{BASE}/TicketWebhooks/{webhook_id}/Fields",
        json={"fieldID": field_ids(http)["status"], "isSubscribedField": True},
    )
    assert twice.status_code == 500 and "already" in twice.json()["errors"][0]
    assert len(fake.records("TicketWebhookFields")) == 1


def test_the_body_n8n_sends_with_entity_type_is_accepted(http: httpx.Client, receiver: Receiver) -> None:
    answer = http.post(f"{BASE}/TicketWebhooks", json={**webhook_body(receiver), "entityType": "Tickets"})
    assert answer.status_code == 200, answer.text


def test_a_seeded_webhook_keeps_its_secret_out_of_the_store_and_still_signs(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    hook = fake.seed(
        "TicketWebhooks",
        {
            "name": "seeded",
            "webhookUrl": f"{receiver.url}/hook",
            "deactivationUrl": f"{receiver.url}/d",
            "secretKey": SECRET_KEY,
            "isActive": True,
            "isSubscribedToCreateEvents": True,
        },
    )
    fake.seed(
        "TicketWebhookFields", {"webhookID": hook, "fieldID": field_ids(http)["status"], "isSubscribedField": True}
    )
    assert SECRET_KEY not in json.dumps(fake.export_snapshot())
    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    fake.webhooks.drain()
    assert [c.verified for c in receiver.callouts()] == [True]


def test_a_delivery_thread_and_concurrent_writers_deliver_every_callout_in_sequence(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    import threading

    register(http, receiver, subscribed=("title",))
    fake.webhooks.start(time_scale=1000)
    try:

        def write(worker: int) -> None:
            with httpx.Client(transport=fake.transport(), headers=CREDENTIALS) as own:
                for n in range(10):
                    assert (
                        own.post(f"{BASE}/Tickets", json=ticket_body(company, title=f"w{worker}-{n}")).status_code
                        == 200
                    )

        # Three writers: the API's thread limit lets three requests of one user run at once, so a fourth
        # could rightly be answered 429 on a loaded machine, and this test is about delivery, not limits.
        writers = [threading.Thread(target=write, args=(w,)) for w in range(3)]
        for thread in writers:
            thread.start()
        for thread in writers:
            thread.join()
        assert fake.webhooks.wait(timeout=20)
    finally:
        fake.webhooks.stop()
    callouts = receiver.callouts()
    assert len(callouts) == 30 and all(c.verified for c in callouts)
    assert [c.json["SequenceNumber"] for c in callouts] == list(range(1, 31))


def test_a_receiver_slower_than_the_timeout_counts_as_a_failed_attempt(
    fake: FakeAutotask, http: httpx.Client, receiver: Receiver, company: int
) -> None:
    register(http, receiver)
    fake.webhooks.courier.timeout = 0.2  # the documented 10 s, shortened so the test stays quick
    receiver.delay = 1.0
    http.post(f"{BASE}/Tickets", json=ticket_body(company))
    fake.webhooks.drain()
    [attempt] = fake.webhooks.attempts
    assert attempt.outcome.status == 0 and attempt.outcome.error == "no answer within 0.2 s"
    assert fake.webhooks.pending() == 1  # to be retried 30 s later

"""The reference webhook receiver: small on purpose, the one to copy. Needs only httpx and the standard library.

Its job (an example): for every new Ticket Create or Update event it writes a note on the ticket naming the
event, and records the event on the ticket (``externalID``) with a fresh full PUT. What makes it correct:

1. It checks ``X-Hook-Signature`` over the raw request bytes, before parsing, in constant time, and refuses a
   callout that has none (n8n-nodes-autotask issue #6: a re-serialised body does not match).
2. A deactivation notice is unsigned, so anyone can send one: it is acknowledged and logged, and changes
   nothing (n8n-nodes-autotask advisory GHSA-hh59-fgrr-93hf).
3. It remembers each (Guid, SequenceNumber) and the newest SequenceNumber per record: a redelivered or older
   event is acknowledged and not acted on.
4. It answers 200 at once and works in a background thread: Autotask waits 10 s, then retries.
5. Before any PUT it reads the record fresh and sends all of it back (a PUT nulls what it leaves out).

Run it: ``python -m harness.webhooks.receiver --port 8080`` with AUTOTASK_BASE_URL (``.../ATServicesRest/V1.0``),
AT_USERNAME, AT_SECRET, AT_INTEGRATION_CODE and AUTOTASK_WEBHOOK_SECRET in the environment.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import logging
import os
import queue
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

log = logging.getLogger("webhook-receiver")
Scope = MutableMapping[str, Any]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


def verify(secret_key: str, body: bytes, header: str | None) -> bool:
    """``X-Hook-Signature`` is ``sha1=`` + base64(HMAC-SHA1(secret key, the raw body))."""
    if not header or not secret_key:
        return False
    digest = hmac.new(secret_key.encode("utf-8"), body, hashlib.sha1).digest()
    expected = "sha1=" + base64.b64encode(digest).decode("ascii")
    return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("ascii", "replace"))


class Receiver:
    """An ASGI app. ``act`` handles one accepted event; override it (the broken receivers in the tests do)."""

    def __init__(self, base_url: str, username: str, secret: str, integration_code: str, secret_key: str) -> None:
        self.secret_key = secret_key
        self.api = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers={"UserName": username, "Secret": secret, "ApiIntegrationCode": integration_code},
            timeout=30,
        )
        self.seen: set[tuple[Any, Any]] = set()
        self.newest: dict[tuple[Any, Any, Any], int] = {}
        self.lock = threading.Lock()
        self.jobs: queue.Queue[dict[str, Any]] = queue.Queue()
        threading.Thread(target=self._work, daemon=True, name="webhook-worker").start()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        status, answer = self.receive_callout(body, headers.get("x-hook-signature"))
        await send(
            {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
        )
        await send({"type": "http.response.body", "body": json.dumps(answer).encode()})

    def receive_callout(self, body: bytes, header: str | None) -> tuple[int, dict[str, Any]]:
        """The answer to one callout; accepted events go to the worker."""
        if not self.verified(body, header):
            if self.is_notice(body):
                log.warning("webhook deactivation notice received (unsigned: nothing changed)")
                return 200, {"notice": "received"}
            return 401, {"errors": ["X-Hook-Signature is missing or does not sign this body"]}
        event = json.loads(body)
        if not isinstance(event, dict):
            return 400, {"errors": ["a callout is a JSON object"]}
        if not self.is_new(event):
            return 200, {"event": "already handled"}
        self.jobs.put(event)
        return 200, {"event": "accepted"}

    def verified(self, body: bytes, header: str | None) -> bool:
        return verify(self.secret_key, body, header)

    @staticmethod
    def is_notice(body: bytes) -> bool:
        try:
            return bool(json.loads(body).get("Action") == "Deactivated")
        except (ValueError, AttributeError):
            return False

    def is_new(self, event: dict[str, Any]) -> bool:
        """Not seen before, and not older than the newest event seen for the same record."""
        number = event.get("SequenceNumber")
        record = (event.get("Guid"), event.get("EntityType"), event.get("Id"))
        with self.lock:
            if (event.get("Guid"), number) in self.seen:
                return False
            self.seen.add((event.get("Guid"), number))
            if not isinstance(number, int) or number <= self.newest.get(record, -1):
                return False
            self.newest[record] = number
            return True

    def _work(self) -> None:
        while True:
            event = self.jobs.get()
            try:
                self.act(event)
            except Exception:  # one failed event must not stop the worker; Autotask will not resend it
                log.exception(
                    "event %s of %s %s failed", event.get("SequenceNumber"), event.get("EntityType"), event.get("Id")
                )

    def note_defaults(self) -> dict[str, Any]:
        """The tenant's own default note type and publish level, read once (picklist values differ per tenant)."""
        if not hasattr(self, "_note_defaults"):
            fields = self.api.get("/TicketNotes/entityInformation/fields").raise_for_status().json()["fields"]
            self._note_defaults = {
                f["name"]: next(
                    (v["value"] for v in f["picklistValues"] if v.get("isDefaultValue")),
                    f["picklistValues"][0]["value"],
                )
                for f in fields
                if f["name"] in ("noteType", "publish") and f.get("picklistValues")
            }
        return self._note_defaults

    def act(self, event: dict[str, Any]) -> None:
        if event.get("EntityType") not in ("Ticket", "Tickets") or event.get("Action") not in ("Create", "Update"):
            return
        ticket_id = int(event["Id"])
        note = {
            "title": "Autotask event",
            "description": f"{event['Action']} #{event['SequenceNumber']}",
            "noteType": 1,
            "publish": 1,
        }
        self.api.post(f"/Tickets/{ticket_id}/Notes", json=note).raise_for_status()
        ticket = self.api.get(f"/Tickets/{ticket_id}").raise_for_status().json()["item"]
        ticket["externalID"] = f"autotask-event-{event['SequenceNumber']}"
        self.api.put("/Tickets", json=ticket).raise_for_status()


def make_receiver(config: Any) -> Receiver:
    """The factory ``autotask-harness webhooks --receiver`` and the ``autotask_webhook_contract`` fixture call."""
    return Receiver(config.base_url, config.username, config.secret, config.integration_code, config.secret_key)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="The reference Autotask webhook receiver.")
    parser.add_argument("--port", type=int, default=8080)
    port = parser.parse_args().port
    environ = os.environ
    missing = [
        name
        for name in ("AUTOTASK_BASE_URL", "AT_USERNAME", "AT_SECRET", "AT_INTEGRATION_CODE", "AUTOTASK_WEBHOOK_SECRET")
        if not environ.get(name)
    ]
    if missing:
        parser.exit(2, f"set {', '.join(missing)} in the environment\n")
    app = Receiver(
        environ["AUTOTASK_BASE_URL"],
        environ["AT_USERNAME"],
        environ["AT_SECRET"],
        environ["AT_INTEGRATION_CODE"],
        environ["AUTOTASK_WEBHOOK_SECRET"],
    )
    # No access log: nothing about a request is printed, so no signature can be.
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()

"""Deliberately broken webhook receivers, each going wrong one way real ones do (not shipped)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from harness.webhooks.contract import ReceiverConfig
from harness.webhooks.receiver import Receive, Receiver, Scope, Send, verify

# The slow receiver sleeps this long; its test gives the harness a shorter timeout (Autotask's is 10 s).
SLOW_ANSWER = 0.4


class ReserialisingReceiver(Receiver):
    """Parses the body and checks the signature over its own re-serialisation (n8n-nodes-autotask #6)."""

    def verified(self, body: bytes, header: str | None) -> bool:
        try:
            again = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False).encode()
        except ValueError:
            return False
        return verify(self.secret_key, again, header)


class MissingSignatureReceiver(Receiver):
    """Checks a signature when there is one, and lets a callout without one through."""

    def verified(self, body: bytes, header: str | None) -> bool:
        return header is None or super().verified(body, header)


class AnySignatureReceiver(Receiver):
    """Only looks for the header's ``sha1=`` prefix."""

    def verified(self, body: bytes, header: str | None) -> bool:
        return bool(header and header.startswith("sha1="))


class TwiceReceiver(Receiver):
    """Keeps no memory of events: a redelivery is handled again."""

    def is_new(self, event: dict[str, Any]) -> bool:
        return True


class StaleReceiver(Receiver):
    """Drops exact redeliveries but handles an older event after a newer one."""

    def is_new(self, event: dict[str, Any]) -> bool:
        key = (event.get("Guid"), event.get("SequenceNumber"))
        with self.lock:
            if key in self.seen:
                return False
            self.seen.add(key)
            return True


class CachedPutReceiver(Receiver):
    """Reads each ticket once and PUTs from that copy ever after."""

    cache: dict[int, dict[str, Any]]

    def act(self, event: dict[str, Any]) -> None:
        cache = self.__dict__.setdefault("cache", {})
        ticket_id = int(event["Id"])
        if ticket_id not in cache:
            cache[ticket_id] = self.api.get(f"/Tickets/{ticket_id}").raise_for_status().json()["item"]
        ticket = {**cache[ticket_id], "externalID": f"autotask-event-{event['SequenceNumber']}"}
        self.api.put("/Tickets", json=ticket).raise_for_status()


class SlowReceiver(Receiver):
    """Does its work before it answers, and the work takes longer than Autotask waits."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await asyncio.sleep(SLOW_ANSWER)
        await super().__call__(scope, receive, send)


class DeactivationTrustingReceiver(Receiver):
    """Takes the unsigned deactivation notice at its word and stops checking signatures (the bug of
    n8n-nodes-autotask advisory GHSA-hh59-fgrr-93hf)."""

    deactivated = False

    def verified(self, body: bytes, header: str | None) -> bool:
        if self.deactivated:
            return True
        if self.is_notice(body):
            self.deactivated = True
        return super().verified(body, header)


class PatchingReceiver(Receiver):
    """Updates the ticket with PATCH, which the tenant refuses: judged by the API contract's own rules."""

    def act(self, event: dict[str, Any]) -> None:
        self.api.patch("/Tickets", json={"id": event["Id"], "externalID": f"autotask-event-{event['SequenceNumber']}"})


def _factory(receiver_class: type[Receiver]) -> Any:
    def make(config: ReceiverConfig) -> Receiver:
        return receiver_class(
            config.base_url, config.username, config.secret, config.integration_code, config.secret_key
        )

    make.__name__ = make.__qualname__ = f"make_{receiver_class.__name__}"
    return make


# broken receiver -> the rule the contract must name for it
CATALOGUE: dict[str, tuple[Any, str]] = {
    "verifies a re-serialised body": (_factory(ReserialisingReceiver), "verify-raw-body"),
    "accepts a missing signature": (_factory(MissingSignatureReceiver), "refuse-missing-signature"),
    "accepts any signature": (_factory(AnySignatureReceiver), "refuse-bad-signature"),
    "acts twice on a redelivery": (_factory(TwiceReceiver), "act-once-per-event"),
    "acts on a stale event": (_factory(StaleReceiver), "ignore-stale-event"),
    "PUTs from a cached read": (_factory(CachedPutReceiver), "read-before-put"),
    "answers after the timeout": (_factory(SlowReceiver), "callout-answered-in-time"),
    "trusts the deactivation notice": (_factory(DeactivationTrustingReceiver), "deactivation-changes-nothing"),
    "patches the ticket": (_factory(PatchingReceiver), "no-ticket-patch"),
}

make_twice = CATALOGUE["acts twice on a redelivery"][0]
make_reserialising = CATALOGUE["verifies a re-serialised body"][0]

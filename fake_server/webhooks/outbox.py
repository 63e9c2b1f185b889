"""The tenant's outbox: changes become signed callouts, delivered in order per webhook on the outbox's clock,
retried, logged and, after enough failures, the webhook deactivated.

Delivery, as DOCS ``Webhooks_Error_Handling.htm`` describes it: a 2xx is delivered; an attempt times out after
10 s; the callout is sent again 30 s later; after 5 attempts (within 2 minutes) it is dropped and an entry goes
to the webhook error log (``WebhookEventErrorLogs``); callouts that come meanwhile queue up behind it, in
order; a webhook whose callouts fail for 25 consecutive events is deactivated and its ``DeactivationUrl`` gets
an unsigned notice (unsigned: CLIENT msoukhomlinov/n8n-nodes-autotask ``AutotaskTrigger.node.ts``, PR #95).
One attempt for a notice, and the error log's text: INFERRED.

Time is the outbox's own: in-process it stands still until ``advance(seconds)`` moves it (a test sees five
retries and a deactivation in milliseconds); served (``start``), it is real time times ``time_scale``.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..coercion import format_datetime
from ..store import Store
from ..webhook_wire import SIGNATURE_HEADER, callout_body, deactivation_payload, signature
from .courier import Courier, Outcome
from .metadata import BY_WEBHOOKS, ERROR_LOGS, WebhookKind
from .subscriptions import Subscription

RETRY_SECONDS = 30.0
ATTEMPTS = 5
FAILED_EVENTS_TO_DEACTIVATE = 25
Key = tuple[str, int]  # (webhook entity, webhook id)


@dataclass
class Callout:
    """One POST to make: the exact bytes, its headers (signed unless a notice), and its retry state."""

    url: str
    body: bytes
    headers: dict[str, str]
    sequence: int = 0
    notice: bool = False
    attempts: int = 0
    due: float = 0.0


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt, for tests and reports: which webhook, what was sent, what came back."""

    webhook: Key
    url: str
    body: bytes
    notice: bool
    attempt: int
    at: float  # on the outbox's clock
    outcome: Outcome = field(repr=False)


class Outbox:
    """Callouts waiting to be delivered for one tenant, and the webhooks' delivery state."""

    def __init__(
        self,
        store: Store,
        lock: threading.RLock,
        clock: Callable[[], datetime],
        load_subscriptions: Callable[[], dict[str, list[Subscription]]],
    ) -> None:
        self._store = store
        self._tenant_lock = lock
        self._tenant_clock = clock
        self._load = load_subscriptions
        self.courier = Courier()
        self.journal: Any = None  # the fake's Journal, set by FakeAutotask; None: attempts are not journalled
        self.attempts: list[Attempt] = []
        self.time_scale: float | None = None  # None: the clock moves only with advance()
        self._offset = 0.0
        self._started_at = time.monotonic()
        self._subscriptions: dict[str, list[Subscription]] | None = None
        self._secrets: dict[Key, str] = {}
        self._queues: dict[Key, deque[Callout]] = {}
        self._notices: deque[Callout] = deque()
        self._sequence: dict[Key, int] = {}
        self._failed_events: dict[Key, int] = {}
        self._condition = threading.Condition()
        self._delivering = threading.Lock()
        self._worker: threading.Thread | None = None
        self._stopping = False

    def mount(self, prefix: str, app: Any, *, asgi: bool | None = None) -> None:
        """Deliver callouts whose URL starts with ``prefix`` to a WSGI or ASGI ``app`` in this process."""
        self.courier.mount(prefix, app, asgi=asgi)

    def allow_hosts(self, *hosts: str) -> None:
        """Let callouts reach these hosts besides loopback (``serve --webhook-allow-host``)."""
        self.courier.allow_hosts = self.courier.allow_hosts | {h.strip().lower() for h in hosts if h.strip()}

    # -- the clock ----------------------------------------------------------------------------------------

    def now(self) -> float:
        """Seconds on the outbox's clock."""
        if self.time_scale is None:
            return self._offset
        return self._offset + (time.monotonic() - self._started_at) * self.time_scale

    def advance(self, seconds: float) -> int:
        """Move the clock ``seconds`` on, delivering every callout that falls due on the way, at its due time;
        returns the attempts made."""
        target = self.now() + seconds
        made = self.drain()
        while True:
            due = self._next_due()
            if due is None or due > target:
                break
            self._offset += max(0.0, due - self.now())
            made += self.drain()
        self._offset += max(0.0, target - self.now())
        return made + self.drain()

    # -- what writes tell it ------------------------------------------------------------------------------

    def invalidate(self) -> None:
        """The webhook records changed some other way (reset, a restored state, a seed): read them again."""
        with self._condition:
            self._subscriptions = None

    def clear(self) -> None:
        """Nothing pending, no delivery state: a fresh tenant."""
        with self._condition:
            self._subscriptions = None
            self._secrets.clear()
            self._queues.clear()
            self._notices.clear()
            self._sequence.clear()
            self._failed_events.clear()
            self.attempts.clear()

    def secret(self, key: Key) -> str | None:
        return self._secrets.get(key)

    def remember_secret(self, key: Key, secret_key: str) -> None:
        self._secrets[key] = secret_key

    def subscriptions(self, entity: str) -> list[Subscription]:
        subscriptions = self._subscriptions
        if subscriptions is None:
            subscriptions = self._subscriptions = self._load()
        return subscriptions.get(entity, [])

    def enqueue(self, subscription: Subscription, make: Callable[[int], dict[str, Any] | None]) -> None:
        """Queue the callout ``make(sequence)`` builds for ``subscription`` (none when it builds ``None``)."""
        key = (subscription.kind.webhooks, subscription.webhook_id)
        sequence = self._sequence.get(key, 0) + 1
        payload = make(sequence)
        if payload is None:
            return
        self._sequence[key] = sequence
        body = callout_body(payload)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        secret_key = self._secrets.get(key)
        if secret_key:
            headers[SIGNATURE_HEADER] = signature(secret_key, body)
        with self._condition:
            self._queues.setdefault(key, deque()).append(
                Callout(subscription.url, body, headers, sequence, due=self.now())
            )
            self._condition.notify_all()

    def notify_deactivated(self, key: Key, guid: str, deactivation_url: str) -> None:
        """The webhook was deactivated or deleted: drop what it had pending and tell its ``DeactivationUrl``
        (unsigned)."""
        body = callout_body(deactivation_payload(guid, self._tenant_clock()))
        notice = Callout(deactivation_url, body, {"Content-Type": "application/json; charset=utf-8"}, notice=True)
        notice.due = self.now()
        with self._condition:
            self._queues.pop(key, None)
            self._failed_events.pop(key, None)
            if deactivation_url:
                self._notices.append(notice)
            self._condition.notify_all()

    # -- delivery -----------------------------------------------------------------------------------------

    def pending(self) -> int:
        """Callouts (and notices) not yet delivered or given up."""
        with self._condition:
            return len(self._notices) + sum(len(q) for q in self._queues.values())

    def drain(self) -> int:
        """Deliver every callout due now, in order per webhook (a delivered one lets the next go at once);
        returns the attempts made. Retries not yet due stay queued (see ``advance``)."""
        made = 0
        with self._delivering:
            while True:
                now = self.now()
                with self._condition:
                    due: list[tuple[Key | None, Callout]] = [(None, n) for n in self._notices if n.due <= now]
                    due += [(k, q[0]) for k, q in self._queues.items() if q and q[0].due <= now]
                if not due:
                    return made
                for key, callout in due:
                    outcome = self.courier.post(callout.url, callout.headers, callout.body)
                    made += 1
                    self._settle(key, callout, outcome, now)

    def _next_due(self) -> float | None:
        with self._condition:
            dues = [n.due for n in self._notices] + [q[0].due for q in self._queues.values() if q]
        return min(dues) if dues else None

    def _settle(self, key: Key | None, callout: Callout, outcome: Outcome, now: float) -> None:
        callout.attempts += 1
        self.attempts.append(
            Attempt(key or ("", 0), callout.url, callout.body, callout.notice, callout.attempts, now, outcome)
        )
        if self.journal is not None:
            self.journal.record_outbound(
                callout.url,
                tuple(callout.headers.items()),
                callout.body,
                outcome.status,
                outcome.content,
                time.time() - outcome.duration,
                outcome.duration,
            )
        # Decided under the outbox's lock, acted on after it: the store is changed under the tenant's lock,
        # which a write holds while it enqueues (taking the outbox's): never the two the other way round.
        failed_for_good = False
        failed = 0
        with self._condition:
            if key is None:  # a notice: one attempt, whatever it gets
                if callout in self._notices:
                    self._notices.remove(callout)
                return
            queue = self._queues.get(key)
            if not queue or queue[0] is not callout:  # deactivated or deleted meanwhile
                return
            if outcome.delivered:
                queue.popleft()
                self._failed_events[key] = 0
            elif callout.attempts < ATTEMPTS:
                callout.due = now + RETRY_SECONDS
            else:
                queue.popleft()
                failed = self._failed_events[key] = self._failed_events.get(key, 0) + 1
                failed_for_good = True
        if failed_for_good:
            self._log_error(key, callout, outcome)
            if failed >= FAILED_EVENTS_TO_DEACTIVATE:
                subscription = self._find(key)
                if subscription is not None:
                    self._deactivate(subscription)

    def _find(self, key: Key) -> Subscription | None:
        kind = BY_WEBHOOKS[key[0]]
        with self._tenant_lock:  # the subscriptions may be read from the store afresh
            return next((s for s in self.subscriptions(kind.parent) if s.webhook_id == key[1]), None)

    def _log_error(self, key: Key, callout: Callout, outcome: Outcome) -> None:
        kind: WebhookKind = BY_WEBHOOKS[key[0]]
        reason = outcome.error or f"the receiver answered {outcome.status}"
        record: dict[str, Any] = {
            "createDateTime": format_datetime(self._tenant_clock()),
            "errorMessage": f"Delivery to {callout.url} failed after {ATTEMPTS} attempts: {reason}"[:8000],
            "payload": callout.body.decode("ascii"),
            "sequenceNumber": callout.sequence,
        }
        if kind.error_log_field:
            record[kind.error_log_field] = key[1]
        with self._tenant_lock:
            table = self._store.table(ERROR_LOGS)
            record_id = table.new_id()
            table.put(record_id, {"id": record_id, **record})

    def _deactivate(self, subscription: Subscription) -> None:
        key = (subscription.kind.webhooks, subscription.webhook_id)
        with self._tenant_lock:
            table = self._store.table(subscription.kind.webhooks)
            record = table.get(subscription.webhook_id)
            if record is not None:
                table.put(subscription.webhook_id, {**record, "isActive": False})
        self.invalidate()
        self.notify_deactivated(key, subscription.guid, subscription.deactivation_url)

    # -- served: a worker on real time ----------------------------------------------------------------------

    def start(self, time_scale: float = 1.0) -> None:
        """Deliver on a thread of its own as callouts fall due, on real time times ``time_scale``."""
        if self._worker is not None:
            return
        self._offset = self.now()
        self._started_at = time.monotonic()
        self.time_scale = time_scale
        self._stopping = False
        self._worker = threading.Thread(target=self._run, name="webhook-outbox", daemon=True)
        self._worker.start()

    def stop(self) -> None:
        worker = self._worker
        if worker is None:
            return
        with self._condition:
            self._stopping = True
            self._condition.notify_all()
        worker.join(timeout=30)
        self._worker = None

    def wait(self, timeout: float = 5.0) -> bool:
        """Block until nothing is pending (``True``) or ``timeout`` real seconds pass (``False``)."""
        deadline = time.monotonic() + timeout
        while self.pending():
            if time.monotonic() >= deadline:
                return False
            if self._worker is None:
                self.drain()
                if self.pending() and self._next_due() is not None:
                    return False  # only retries remain, and in-process time stands still
            else:
                time.sleep(0.01)
        return True

    def _run(self) -> None:
        while True:
            with self._condition:
                if self._stopping:
                    return
                due = self._next_due_locked()
                now = self.now()
                if due is None or due > now:
                    scale = self.time_scale or 1.0
                    self._condition.wait(timeout=None if due is None else (due - now) / scale)
                    continue
            self.drain()

    def _next_due_locked(self) -> float | None:
        dues = [n.due for n in self._notices] + [q[0].due for q in self._queues.values() if q]
        return min(dues) if dues else None

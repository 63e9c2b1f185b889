"""``Webhooks``: what a write to the tenant means for its webhooks. The writer calls ``observe`` once the write
is validated and before the store changes, so a webhook record that breaks a rule below is refused with the
API's error envelope and nothing stored.

Rules, beyond what ``metadata`` gives ``entityInformation``:
- A webhook's ``secretKey`` is required on create (the issue's reading of DOCS
  ``SecretKeyPayloadVerification.htm``: every callout is signed with it) and kept only in memory: answers,
  the journal and state files never carry it (INFERRED: no public source shows whether Autotask returns it;
  a secret that signs callouts must not leak through a recording). An update without one keeps the old one.
- ``webhookGUID`` and ``ownerResourceID`` are set on create; ``isReady`` follows whether a subscribed field or
  UDF exists (Nango's Autotask guide: a webhook is ready once it has one).
- ``webhookUrl`` and ``deactivationUrl`` must be absolute http(s) URLs (INFERRED).
- A field subscribed twice to one webhook is refused (INFERRED).
- Deleting a webhook, or turning ``isActive`` off, notifies its ``DeactivationUrl`` (DOCS
  ``SOAP_WebhookEntity.htm``: "the API calls [it] when the webhook ... is deleted or inactivated"); deleting
  one deletes its fields and excluded resources with it (INFERRED).
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..catalog import Catalog, EntityInfo
from ..errors import BusinessError
from ..profile import TenantProfile
from ..store import Store
from ..writes import WriteContext
from .events import Change, payload
from .metadata import CONFIG_ENTITIES, KINDS, WebhookKind
from .outbox import Outbox
from .subscriptions import load, udf_ids

_ROLES: dict[str, tuple[WebhookKind, str]] = {}
for _kind in KINDS:
    _ROLES[_kind.webhooks] = (_kind, "webhook")
    _ROLES[_kind.fields] = (_kind, "fields")
    if _kind.udf_fields:
        _ROLES[_kind.udf_fields] = (_kind, "udf_fields")
    _ROLES[_kind.excluded] = (_kind, "excluded")


class Webhooks:
    """One tenant's webhooks: the rules of their records and the outbox their callouts wait in."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        profile: TenantProfile,
        lock: threading.RLock,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._profile = profile
        self._udfs = {name: [str(d["name"]) for d in defs] for name, defs in profile.udfs.items()}
        self.outbox = Outbox(store, lock, clock, lambda: load(store, catalog, self._udfs))

    def observe(
        self, entity: EntityInfo, old: dict[str, Any] | None, record: dict[str, Any] | None, ctx: WriteContext
    ) -> None:
        """A validated write about to be stored: ``old`` is the stored record (``None`` on create), ``record``
        the one about to be stored (``None`` on delete; changes made to it here are stored)."""
        name = entity.name
        if name in CONFIG_ENTITIES:
            self._configure(name, old, record, ctx)
            return
        subscriptions = self.outbox.subscriptions(name)
        if not subscriptions:  # the usual case: nothing watches this entity, and nothing more is done
            return
        current = record if record is not None else old
        assert current is not None
        change = Change(
            str(entity.info.get("name") or name),
            int(current["id"]),
            old,
            record,
            ctx.now,
            ctx.impersonator or self._profile.api_resource_id,
        )
        for subscription in subscriptions:
            self.outbox.enqueue(subscription, functools.partial(payload, subscription, change))

    def adopt_seeded(self, entity: str, record_id: int) -> None:
        """A record seeded straight into the store (``fake.seed``, a snapshot): a webhook's secret key moves
        out of the store, and it gets what a create would have given it."""
        role = _ROLES.get(entity)
        if role is None:
            return
        kind, what = role
        if what == "webhook":
            table = self._store.table(entity)
            stored = table.get(record_id)
            if stored is not None:
                fixed = dict(stored)
                secret_key = fixed.pop("secretKey", None)
                if secret_key:
                    self.outbox.remember_secret((entity, record_id), str(secret_key))
                fixed.setdefault("webhookGUID", str(uuid.uuid4()))
                fixed.setdefault("ownerResourceID", self._profile.api_resource_id)
                fixed["isReady"] = self._ready(kind, record_id, None, None)
                table.put(record_id, fixed)
        elif what in ("fields", "udf_fields"):
            stored = self._store.table(entity).get(record_id) or {}
            self._mark_ready(kind, stored.get("webhookID"), None, None)
        self.outbox.invalidate()

    # -- the webhook records' own rules ------------------------------------------------------------------

    def _configure(
        self, name: str, old: dict[str, Any] | None, record: dict[str, Any] | None, ctx: WriteContext
    ) -> None:
        kind, what = _ROLES[name]
        if what == "webhook":
            self._webhook(kind, old, record, ctx)
        elif what in ("fields", "udf_fields"):
            current = record if record is not None else old
            assert current is not None
            if record is not None:
                self._refuse_duplicate(name, record, "fieldID" if what == "fields" else "udfFieldID")
                if what == "udf_fields" and record.get("udfFieldID") not in udf_ids(self._udfs.get(kind.parent, [])):
                    raise BusinessError(
                        f"udfFieldID {record.get('udfFieldID')} names no user-defined field of {kind.parent}."
                    )
            self._mark_ready(kind, current.get("webhookID"), name, (current["id"], record))
        self.outbox.invalidate()

    def _webhook(
        self, kind: WebhookKind, old: dict[str, Any] | None, record: dict[str, Any] | None, ctx: WriteContext
    ) -> None:
        if record is None:  # a delete
            assert old is not None
            webhook_id = int(old["id"])
            self._delete_children(kind, webhook_id)
            self.outbox.notify_deactivated(
                (kind.webhooks, webhook_id), str(old.get("webhookGUID") or ""), str(old.get("deactivationUrl") or "")
            )
            return
        webhook_id = int(record["id"])
        key = (kind.webhooks, webhook_id)
        secret_key = record.get("secretKey")
        if not secret_key and self.outbox.secret(key) is None:
            raise BusinessError(f"secretKey is a required field of {kind.webhooks} and has no value.")
        for url_field in ("webhookUrl", "deactivationUrl"):
            url = record.get(url_field)
            if url and not _absolute_http(str(url)):
                raise BusinessError(f"{url_field} '{url}' is not an absolute http or https URL.")
        if old is None:
            record["webhookGUID"] = str(uuid.uuid4())
            record["ownerResourceID"] = ctx.impersonator or self._profile.api_resource_id
        record["isReady"] = self._ready(kind, webhook_id, None, None)
        if secret_key:
            self.outbox.remember_secret(key, str(secret_key))
        record["secretKey"] = None
        if old is not None and old.get("isActive") and not record.get("isActive"):
            self.outbox.notify_deactivated(
                key, str(record.get("webhookGUID") or ""), str(record.get("deactivationUrl") or "")
            )

    def _refuse_duplicate(self, name: str, record: dict[str, Any], id_field: str) -> None:
        for other_id, other in self._store.table(name).items():
            if (
                other_id != record["id"]
                and other.get("webhookID") == record.get("webhookID")
                and other.get(id_field) == record.get(id_field)
            ):
                raise BusinessError(
                    f"{id_field} {record.get(id_field)} is already a field of webhook {record.get('webhookID')}."
                )

    def _ready(
        self,
        kind: WebhookKind,
        webhook_id: int,
        changed_entity: str | None,
        change: tuple[int, dict[str, Any] | None] | None,
    ) -> bool:
        """Whether the webhook has a subscribed field or UDF, counting a change not yet stored."""
        for entity in (kind.fields, kind.udf_fields):
            if entity is None:
                continue
            rows = dict(self._store.table(entity).items())
            if entity == changed_entity and change is not None:
                row_id, row = change
                rows.pop(row_id, None)
                if row is not None:
                    rows[row_id] = row
            if any(r.get("webhookID") == webhook_id and r.get("isSubscribedField") for r in rows.values()):
                return True
        return False

    def _mark_ready(
        self,
        kind: WebhookKind,
        webhook_id: Any,
        changed_entity: str | None,
        change: tuple[int, dict[str, Any] | None] | None,
    ) -> None:
        if not isinstance(webhook_id, int):
            return
        table = self._store.table(kind.webhooks)
        stored = table.get(webhook_id)
        if stored is None:
            return
        ready = self._ready(kind, webhook_id, changed_entity, change)
        if bool(stored.get("isReady")) != ready:
            table.put(webhook_id, {**stored, "isReady": ready})

    def _delete_children(self, kind: WebhookKind, webhook_id: int) -> None:
        for entity in (kind.fields, kind.udf_fields, kind.excluded):
            if entity is None:
                continue
            table = self._store.table(entity)
            for row_id in [i for i, r in table.items() if r.get("webhookID") == webhook_id]:
                table.delete(row_id)


def _absolute_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and (parts.port or 1) > 0
    except ValueError:  # "http://[::1", a port beyond 65535
        return False

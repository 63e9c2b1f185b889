"""What the tenant's webhook records subscribe to, read from the store into plain values.

A webhook calls out only when it is active and ready (DOCS ``SOAP_WebhookEntity.htm``: "No callouts will
occur if a webhook is inactive"; ready once a subscribed field exists, Nango's Autotask guide). Changes by a
resource in ``ExcludedResources`` trigger nothing (DOCS ``REST_WebhooksEntity.htm``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Catalog
from ..store import Store
from .metadata import KINDS, WebhookKind, supported_fields


@dataclass(frozen=True)
class Subscription:
    """One webhook, as the outbox needs it. ``secret_key`` stays in memory: it signs and is never shown."""

    kind: WebhookKind
    webhook_id: int
    guid: str
    url: str
    deactivation_url: str
    secret_key: str
    active: bool
    on_create: bool
    on_update: bool
    on_delete: bool
    fields: frozenset[str]  # subscribed field names (REST names)
    display_fields: frozenset[str]  # display-always field names
    udfs: frozenset[str]  # subscribed UDF names
    display_udfs: frozenset[str]
    excluded: frozenset[int]  # resource ids whose changes trigger nothing

    @property
    def ready(self) -> bool:
        return bool(self.fields or self.udfs)


def field_names(catalog: Catalog, kind: WebhookKind) -> dict[int, str]:
    """``fieldID`` -> field name for one entity with webhooks."""
    parent = catalog.get(kind.parent)
    return {} if parent is None else {number: info.name for number, info in supported_fields(parent)}


def udf_ids(udf_names: list[str]) -> dict[int, str]:
    """``udfFieldID`` -> UDF name: the tenant's UDFs of the entity numbered from 1 in the profile's order
    (INFERRED: Autotask's ids are its UserDefinedFieldDefinitions ids, which the fake's profiles do not carry)."""
    return dict(enumerate(udf_names, 1))


def load(store: Store, catalog: Catalog, udfs: dict[str, list[str]]) -> dict[str, list[Subscription]]:
    """Every webhook of the tenant by the entity it watches (``Tickets``), active or not; ``udfs`` names each
    entity's UDFs in order."""
    found: dict[str, list[Subscription]] = {}
    for kind in KINDS:
        hooks = store.table(kind.webhooks)
        if not len(hooks):
            continue
        names = field_names(catalog, kind)
        rows = [r for _, r in store.table(kind.fields).items()]
        udf_rows = [r for _, r in store.table(kind.udf_fields).items()] if kind.udf_fields else []
        udf_by_id = udf_ids(udfs.get(kind.parent, []))
        excluded_rows = [r for _, r in store.table(kind.excluded).items()]
        for webhook_id, record in hooks.items():
            mine = [r for r in rows if r.get("webhookID") == webhook_id]
            mine_udfs = [r for r in udf_rows if r.get("webhookID") == webhook_id]
            found.setdefault(kind.parent, []).append(
                Subscription(
                    kind=kind,
                    webhook_id=webhook_id,
                    guid=str(record.get("webhookGUID") or ""),
                    url=str(record.get("webhookUrl") or ""),
                    deactivation_url=str(record.get("deactivationUrl") or ""),
                    secret_key=str(record.get("secretKey") or ""),
                    active=bool(record.get("isActive")),
                    on_create=bool(record.get("isSubscribedToCreateEvents")),
                    on_update=bool(record.get("isSubscribedToUpdateEvents")),
                    on_delete=bool(record.get("isSubscribedToDeleteEvents")),
                    fields=_named(mine, "fieldID", "isSubscribedField", names),
                    display_fields=_named(mine, "fieldID", "isDisplayAlwaysField", names),
                    udfs=_named(mine_udfs, "udfFieldID", "isSubscribedField", udf_by_id),
                    display_udfs=_named(mine_udfs, "udfFieldID", "isDisplayAlwaysField", udf_by_id),
                    excluded=frozenset(
                        int(r["resourceID"])
                        for r in excluded_rows
                        if r.get("webhookID") == webhook_id and r.get("resourceID") is not None
                    ),
                )
            )
    return found


def _named(rows: list[dict[str, object]], id_field: str, flag: str, names: dict[int, str]) -> frozenset[str]:
    return frozenset(
        names[number] for r in rows if r.get(flag) and isinstance(number := r.get(id_field), int) and number in names
    )

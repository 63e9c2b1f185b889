"""A change to a record, and the callout payload it makes for one webhook (or none).

Evidence: a subscribed field's change triggers a callout; display-always fields are added "when another field
triggers a callout" (DOCS ``REST_WebhookFieldsEntity.htm``); an update that changes no subscribed field sends
nothing, and a change by an excluded resource sends nothing (DOCS ``REST_WebhooksEntity.htm``). Keys and order
of the payload: ``fake_server.webhook_wire.callout_payload``. ``Fields`` is keyed by REST field names and UDF
names (DOCS ``REST_WebhookFieldsEntity.htm``: webhook fields use REST API field names). A create sends its
subscribed and display-always fields that hold a value, a delete its display-always fields as they were, and
``PersonID`` is the resource the change is made as (the impersonated one, else the API user): INFERRED.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..webhook_wire import callout_payload
from .subscriptions import Subscription


@dataclass(frozen=True)
class Change:
    """One write as the API made it: stored records before and after (``None`` on create / delete), in the
    item shape (UDFs as a name -> value mapping under ``userDefinedFields``)."""

    entity_type: str  # the entity's singular name, as entityInformation gives it ("Ticket")
    record_id: int
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    when: datetime
    person_id: int

    @property
    def action(self) -> str:
        return "Create" if self.old is None else "Delete" if self.new is None else "Update"


def payload(subscription: Subscription, change: Change, sequence: int) -> dict[str, Any] | None:
    """The callout ``subscription`` sends for ``change``, or ``None`` when it sends none."""
    if not subscription.active or not subscription.ready or change.person_id in subscription.excluded:
        return None
    action = change.action
    if action == "Create":
        if not subscription.on_create:
            return None
        fields = _values(change.new, subscription.fields | subscription.display_fields, skip_empty=True)
        fields.update(_udfs(change.new, subscription.udfs | subscription.display_udfs, skip_empty=True))
    elif action == "Update":
        if not subscription.on_update:
            return None
        changed = {name for name in subscription.fields if _get(change.old, name) != _get(change.new, name)}
        changed_udfs = {name for name in subscription.udfs if _udf(change.old, name) != _udf(change.new, name)}
        if not changed and not changed_udfs:
            return None
        fields = _values(change.new, changed | subscription.display_fields, skip_empty=False)
        fields.update(_udfs(change.new, changed_udfs | subscription.display_udfs, skip_empty=False))
    else:
        if not subscription.on_delete:
            return None
        fields = _values(change.old, subscription.display_fields, skip_empty=False)
        fields.update(_udfs(change.old, subscription.display_udfs, skip_empty=False))
    return callout_payload(
        action,
        subscription.guid,
        change.entity_type,
        change.record_id,
        fields,
        change.when,
        sequence,
        change.person_id,
    )


def _get(record: dict[str, Any] | None, name: str) -> Any:
    return None if record is None else record.get(name)


def _udf(record: dict[str, Any] | None, name: str) -> Any:
    return ((record or {}).get("userDefinedFields") or {}).get(name)


def _values(record: dict[str, Any] | None, names: frozenset[str] | set[str], *, skip_empty: bool) -> dict[str, Any]:
    """The named fields in a stable order (sorted: the API's own order is unknown)."""
    found = {name: _get(record, name) for name in sorted(names)}
    return {k: v for k, v in found.items() if v is not None} if skip_empty else found


def _udfs(record: dict[str, Any] | None, names: frozenset[str] | set[str], *, skip_empty: bool) -> dict[str, Any]:
    found = {name: _udf(record, name) for name in sorted(names)}
    return {k: v for k, v in found.items() if v is not None} if skip_empty else found

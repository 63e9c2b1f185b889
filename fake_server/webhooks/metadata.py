"""The webhook entities as ``entityInformation`` describes them, and which fields of the five entities with
webhooks can be subscribed to.

Evidence:
- Entities, fields and lengths: DOCS Autotask ``Webhooks/REST_WebhooksEntity.htm`` (DeactivationUrl and
  WebhookUrl string 500, Name 50, NotificationEmailAddress 150, SecretKey 64, WebhookGUID 100) and the
  swagger's ``*WebhookModel`` models. ``WebhookUrl`` and ``DeactivationUrl`` are required (DOCS
  ``Webhooks_Creating.htm``: "Both fields are required to create the webhook"). ``Name`` and ``IsActive``
  required: INFERRED (every published client sends them: n8n-nodes-autotask's trigger, Nango's
  guide). ``SecretKey`` is required on create by ``hooks``, which keeps it out of the store.
  ``WebhookGUID``, ``IsReady`` and ``OwnerResourceID`` are set by Autotask (DOCS: GUID server-generated;
  ``isReady`` turns true once a subscribed field exists, Nango's Autotask webhook guide).
- ``entityType`` in a webhook's body is bound and ignored: CLIENT msoukhomlinov/n8n-nodes-autotask
  ``AutotaskTrigger.node.ts`` sends it on every create.
- ``fieldID`` is a picklist whose values are the subscribable fields (value: the field's id, label: its REST
  name): CLIENT msoukhomlinov/n8n-nodes-autotask ``helpers/webhook/fields.ts`` reads exactly that from
  ``/{Entity}WebhookFields/entityInformation/fields``. The numbers themselves are Autotask's internal field
  ids, which no public source lists: the fake numbers fields by their position in the entity's field list
  (INFERRED), so a client must look them up, as n8n does.
- Which fields are supported (``isSupportedWebhookField``): every field but ``id`` (INFERRED: the docs say
  "some fields ... can trigger a webhook ... others cannot" without a list; a captured entity file that
  flags its own fields wins).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from ..catalog import Catalog, EntityInfo, FieldInfo


@dataclass(frozen=True)
class WebhookKind:
    """One entity with webhooks and the entities around its webhooks."""

    parent: str  # Tickets
    webhooks: str  # TicketWebhooks
    fields: str  # TicketWebhookFields
    udf_fields: str | None  # TicketWebhookUdfFields (the swagger has none for TicketNotes)
    excluded: str  # TicketWebhookExcludedResources
    error_log_field: str | None  # the WebhookEventErrorLogs field naming the webhook, where the swagger has one


KINDS: tuple[WebhookKind, ...] = (
    WebhookKind(
        "Companies",
        "CompanyWebhooks",
        "CompanyWebhookFields",
        "CompanyWebhookUdfFields",
        "CompanyWebhookExcludedResources",
        "accountWebhookID",
    ),
    WebhookKind(
        "Contacts",
        "ContactWebhooks",
        "ContactWebhookFields",
        "ContactWebhookUdfFields",
        "ContactWebhookExcludedResources",
        "contactWebhookID",
    ),
    WebhookKind(
        "ConfigurationItems",
        "ConfigurationItemWebhooks",
        "ConfigurationItemWebhookFields",
        "ConfigurationItemWebhookUdfFields",
        "ConfigurationItemWebhookExcludedResources",
        None,
    ),
    WebhookKind(
        "Tickets",
        "TicketWebhooks",
        "TicketWebhookFields",
        "TicketWebhookUdfFields",
        "TicketWebhookExcludedResources",
        None,
    ),
    WebhookKind(
        "TicketNotes",
        "TicketNoteWebhooks",
        "TicketNoteWebhookFields",
        None,
        "TicketNoteWebhookExcludedResources",
        None,
    ),
)
ERROR_LOGS = "WebhookEventErrorLogs"
BY_WEBHOOKS = {kind.webhooks: kind for kind in KINDS}
# Every entity whose records say what is subscribed: a write to one of them changes the subscriptions.
CONFIG_ENTITIES = frozenset(
    name for kind in KINDS for name in (kind.webhooks, kind.fields, kind.udf_fields, kind.excluded) if name is not None
)

# name -> (length, required, read-only) of the webhook entity's fields, from REST_WebhooksEntity.htm.
_WEBHOOK_FIELDS: dict[str, tuple[int, bool, bool]] = {
    "deactivationUrl": (500, True, False),
    "isActive": (0, True, False),
    "isReady": (0, False, True),
    "isSubscribedToCreateEvents": (0, False, False),
    "isSubscribedToDeleteEvents": (0, False, False),
    "isSubscribedToUpdateEvents": (0, False, False),
    "name": (50, True, False),
    "notificationEmailAddress": (150, False, False),
    "ownerResourceID": (0, False, True),
    "secretKey": (64, False, False),  # required on create: hooks.py keeps it out of the store
    "sendThresholdExceededNotification": (0, False, False),
    "webhookGUID": (100, False, True),
    "webhookUrl": (500, True, False),
}


def supported_fields(parent: EntityInfo) -> list[tuple[int, FieldInfo]]:
    """The parent entity's subscribable fields with their ``fieldID``: the entity file's own flags when it has
    any, else every field but ``id``; numbered by position in the field list, from 1 (INFERRED, see above)."""
    numbered = [(number, info) for number, info in enumerate(parent.fields, 1) if info.name != "id"]
    flagged = [(number, info) for number, info in numbered if info.is_supported_webhook_field]
    return flagged or numbered


def apply(catalog: Catalog) -> None:
    """Give the catalog's webhook entities their real metadata, unless a captured entity file brought its own."""
    for kind in KINDS:
        parent = catalog.get(kind.parent)
        if parent is None:
            continue
        supported = supported_fields(parent)
        if not any(f.is_supported_webhook_field for f in parent.fields):
            names = {info.name for _, info in supported}
            flagged = tuple(replace(f, is_supported_webhook_field=f.name in names) for f in parent.fields)
            parent = replace(parent, fields=flagged, by_lower={})
            catalog.replace(parent)
        _curate(catalog, kind.webhooks, _webhook_field, ignore=("entitytype",))
        picklist = tuple(
            {"value": str(number), "label": info.name, "isActive": True, "isSystem": True, "sortOrder": number}
            for number, info in supported
        )
        _curate(catalog, kind.fields, lambda f, values=picklist: _child_field(f, values))
        if kind.udf_fields:
            _curate(catalog, kind.udf_fields, lambda f: _child_field(f, None))
        _curate(catalog, kind.excluded, lambda f: _child_field(f, None))


def _curate(catalog: Catalog, name: str, shape: Any, ignore: tuple[str, ...] = ()) -> None:
    entity = catalog.get(name)
    if entity is None or entity.has_file:
        return
    fields = tuple(shape(f) for f in entity.fields)
    catalog.replace(replace(entity, fields=fields, ignored_keys=entity.ignored_keys | set(ignore), by_lower={}))


def _webhook_field(info: FieldInfo) -> FieldInfo:
    if info.name == "ownerResourceID":
        return replace(info, is_read_only=True, is_reference=True, reference_entity_type="Resource", length=0)
    spec = _WEBHOOK_FIELDS.get(info.name)
    if spec is None:
        return info
    length, required, read_only = spec
    return replace(info, length=length, is_required=required, is_read_only=read_only)


def _child_field(info: FieldInfo, picklist: tuple[dict[str, Any], ...] | None) -> FieldInfo:
    if info.name == "fieldID" and picklist is not None:
        return replace(info, is_required=True, is_pick_list=True, picklist_values=picklist)
    if info.name in ("resourceID", "udfFieldID"):
        return replace(
            info,
            is_required=True,
            is_reference=info.name == "resourceID",
            reference_entity_type=("Resource" if info.name == "resourceID" else ""),
        )
    if info.name == "webhookID":
        return replace(info, is_read_only=False)
    return info

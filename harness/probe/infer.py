"""From what the probe saw to a tenant profile the fake loads: probed points replaced, the rest from default."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fake_server import TenantProfile
from fake_server.face import AUTOTASK_HOSTS, Catalog

from .experiments import (
    POST_CHILD_NOTES,
    PROBED_ENDPOINTS,
    RESOURCE_STAMP,
    STAMP_FIELDS,
    Observations,
    as_int,
)
from .tenant_metadata import TenantMetadata

# The user name is a credential: a written profile names a placeholder, never the API user.
API_USER_PLACEHOLDER = "api-user@example.invalid"


def swagger_allows(endpoint: str) -> bool:
    """Whether the swagger lists this ``METHOD /shape``; a tenant that accepts an unlisted one adds it."""
    method, _, shape = endpoint.partition(" ")
    catalog = _catalog()
    if shape == POST_CHILD_NOTES.partition(" ")[2]:
        child = catalog.child("Tickets", "Notes")
        return child is not None and method in child.collection_verbs
    entity = catalog.get(shape.strip("/"))
    return entity is not None and method in entity.root_verbs


@cache
def _catalog() -> Catalog:
    return Catalog()


def learned_profile(metadata: TenantMetadata, seen: Observations, entity_dir: Path) -> TenantProfile:
    """The tenant's profile: every probed point as observed; what was not probed follows the default."""
    base = TenantProfile.load("default")
    absent, refused, added = set(), set(), set()
    for endpoint, how in seen.endpoints.items():
        if how == "absent":
            absent.add(endpoint)
        elif how == "accepted" and not swagger_allows(endpoint):
            added.add(endpoint)
        elif how != "accepted":
            refused.add(endpoint)  # 405, or an answer the fake can only give as a refusal
    for endpoint in (*PROBED_ENDPOINTS, "POST /TicketNote"):
        if endpoint not in seen.endpoints:  # not probed: keep the default's (the Postman contract's) answer
            method, _, shape = endpoint.partition(" ")
            if base.endpoint_absent(method, shape):
                absent.add(endpoint)
            elif base.method_refused(method, shape):
                refused.add(endpoint)
    tickets = metadata.entities.get("Tickets")
    status = tickets.field("status") if tickets else None
    zone_url = urlsplit(str(metadata.zone.get("url", "")))
    zone = dict(base.zone)
    answered = {
        "zone_name": metadata.zone.get("zoneName"),
        "web_url": metadata.zone.get("webUrl"),
        "ci": as_int(metadata.zone.get("ci")),
    }
    zone.update({key: value for key, value in answered.items() if value is not None})
    version = {k: str(v) for k, v in metadata.version.items() if v is not None}
    if version:
        zone["version"] = version
    if zone_url.hostname and AUTOTASK_HOSTS.match(zone_url.hostname):
        zone["host"] = zone_url.hostname
    limits = base.limits
    threshold = as_int(metadata.thresholds.get("externalRequestThreshold"))
    minutes = as_int(metadata.thresholds.get("requestThresholdTimeframe"))
    if threshold is not None:
        limits = replace(limits, hourly_threshold=threshold, window_seconds=(minutes or 60) * 60)
    resource_id = seen.api_resource_id if seen.api_resource_id is not None else base.api_resource_id
    return replace(
        base,
        name=f"probed-{zone.get('zone_name') or 'tenant'}",
        description=(
            f"Learned by autotask-harness probe on {datetime.now(UTC):%Y-%m-%d}; points it did not probe "
            "follow the default profile"
        ),
        base_path_case_sensitive=_or(seen.base_path_case_sensitive, base.base_path_case_sensitive),
        missing_item_status=404 if seen.missing_item_status == 404 else 200,
        put_nulls_omitted=_or(seen.put_nulls_omitted, base.put_nulls_omitted),
        absent_endpoints=frozenset(absent),
        refused_methods=frozenset(refused),
        added_methods=frozenset(added),
        completion=_completion(base, seen),
        picklists={"Tickets": {"status": list(status["picklistValues"])}}
        if status and status.get("picklistValues")
        else {},
        udfs={name: [_udf(d) for d in capture.udfs] for name, capture in metadata.entities.items() if capture.udfs},
        api_user={"resource_id": resource_id, "user_name": API_USER_PLACEHOLDER},
        reference_records=_reference_records(base, resource_id),
        zone=zone,
        limits=limits,
        entity_dirs=(entity_dir,),
    )


def _or(value: bool | None, fallback: bool) -> bool:
    return fallback if value is None else value


def _completion(base: TenantProfile, seen: Observations) -> Any:
    completing = [s for s in seen.statuses if s.stamped and s.error is None]
    if not completing:
        return replace(base.completion, completing_values=frozenset())
    stamped = {name for s in completing for name in s.stamped}
    cleared = [set(s.cleared_on_reopen) for s in completing if s.cleared_on_reopen is not None]
    if not cleared:  # moving back was refused every time: what it clears is unknown, keep the default's
        cleared = [set(base.completion.reopen_clears)]
    return replace(
        base.completion,
        completing_values=frozenset(s.value for s in completing),
        stamp_fields=tuple(name for name in STAMP_FIELDS if name in stamped),
        stamp_resource_field=RESOURCE_STAMP if RESOURCE_STAMP in stamped else "",
        reopen_clears=tuple(
            name for name in (*STAMP_FIELDS, RESOURCE_STAMP) if name in stamped and all(name in c for c in cleared)
        ),
    )


def _udf(answered: dict[str, Any]) -> dict[str, Any]:
    """A ``userDefinedFields`` entry in the profile's spelling (the fake answers it back the same way)."""
    keys = (
        "name",
        "label",
        "type",
        "length",
        "description",
        "isRequired",
        "isReadOnly",
        "isQueryable",
        "picklistValues",
        "defaultValue",
    )
    return {key: answered[key] for key in keys if answered.get(key) is not None}


def _reference_records(base: TenantProfile, resource_id: int) -> dict[str, list[dict[str, Any]]]:
    """The default's reference records, with the API user's resource under the id this tenant gave it."""
    records = {entity: [dict(r) for r in rows] for entity, rows in base.reference_records.items()}
    resources = records.get("Resources", [])
    if all(int(r["id"]) != resource_id for r in resources):
        for record in resources:
            if int(record["id"]) == base.api_resource_id:
                record["id"] = resource_id
    return records

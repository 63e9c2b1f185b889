"""The points a probe can observe, read off a profile, so two profiles can be compared on exactly those."""

from __future__ import annotations

from typing import Any

from fake_server import FakeAutotask, Limits, TenantProfile
from fake_server.face import probed_settings, udf_definitions

from .experiments import PROBED_ENDPOINTS
from .infer import swagger_allows
from .tenant_metadata import CORE_ENTITIES


def endpoint_outcome(profile: TenantProfile, endpoint: str) -> str:
    """What a fake with this profile answers to the endpoint: absent (404), refused (405) or accepted."""
    method, _, shape = endpoint.partition(" ")
    if profile.endpoint_absent(method, shape):
        return "absent"
    if profile.method_refused(method, shape):
        return "refused"
    return "accepted" if swagger_allows(endpoint) or profile.method_added(method, shape) else "refused"


def probed_points(profile: TenantProfile, entities: tuple[str, ...] = CORE_ENTITIES) -> dict[str, Any]:
    """Every point ``probe`` learns, as a fake with this profile would show it; unobservable ones are left out."""
    fake = FakeAutotask(profile, limits=Limits.off())
    tickets = fake.catalog.get("Tickets")
    status = tickets.field("status") if tickets else None
    active = [v for v in (status.picklist_values or ()) if v.get("isActive", True)] if status else []
    values = {int(v["value"]) for v in active}
    rule = profile.completion
    completing = sorted(values & set(rule.completing_values))
    stamps = sorted({*rule.stamp_fields, *([rule.stamp_resource_field] if rule.stamp_resource_field else [])})
    points: dict[str, Any] = {
        # The simple points are the settings the profile schema marks ``probed``; the rest are derived.
        **probed_settings(profile),
        **{endpoint: endpoint_outcome(profile, endpoint) for endpoint in PROBED_ENDPOINTS},
        "status_picklist": sorted((int(v["value"]), v["label"], bool(v.get("isDefaultValue"))) for v in active),
        "completing_values": completing,
        "stamps": stamps if completing else None,
        "reopen_clears": sorted(set(rule.reopen_clears) & set(stamps)) if completing else None,
        "api_resource_id": profile.api_resource_id,
        "zone": {key: profile.zone.get(key) for key in ("zone_name", "web_url", "ci")},
        "version": {k: str(v) for k, v in profile.zone.get("version", {}).items()},
        "udfs": {
            name: udf_definitions(profile, info) for name in entities if (info := fake.catalog.get(name)) is not None
        },
    }
    return points

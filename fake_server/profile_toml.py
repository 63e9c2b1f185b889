"""Writing a ``TenantProfile`` back to TOML, the inverse of ``TenantProfile.from_dict``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tomli_w

from .profile import TenantProfile


def profile_to_dict(profile: TenantProfile, *, base: Path | None = None) -> dict[str, Any]:
    """The TOML document that loads back into an equal profile; entity dirs are written relative to ``base``."""
    completion = profile.completion
    data: dict[str, Any] = {
        "name": profile.name,
        "description": profile.description,
        "paths": {"base_path_case_sensitive": profile.base_path_case_sensitive},
        "responses": {"missing_item_status": profile.missing_item_status, "max_body_bytes": profile.max_body_bytes},
        "writes": {"put_nulls_omitted": profile.put_nulls_omitted},
        "endpoints": {
            "absent": sorted(profile.absent_endpoints),
            "refused": sorted(profile.refused_methods),
            "added": sorted(profile.added_methods),
        },
        "completion": {
            "entity": completion.entity,
            "status_field": completion.status_field,
            "completing_values": sorted(completion.completing_values),
            "stamp_fields": list(completion.stamp_fields),
            "stamp_resource_field": completion.stamp_resource_field,
            "reopen_clears": list(completion.reopen_clears),
        },
        "api_user": _without_nulls(dict(profile.api_user)),
        "zone": _without_nulls(dict(profile.zone)),
        "limits": {
            "enabled": profile.limits.enabled,
            "hourly_threshold": profile.limits.hourly_threshold,
            "window_seconds": profile.limits.window_seconds,
            "latency_tiers": [list(tier) for tier in profile.limits.latency_tiers],
            "thread_limit": profile.limits.thread_limit,
            "latency_ms": profile.limits.latency.to_dict(),
        },
        "stamps": {
            "on_create": dict(profile.stamps_on_create),
            "on_change": dict(profile.stamps_on_change),
            "on_update": dict(profile.stamps_on_update),
        },
        "numbering": {entity: {"field": n.field, "pattern": n.pattern} for entity, n in profile.numbering.items()},
        "unique": [{"entity": u.entity, "field": u.field, "message": u.message} for u in profile.unique],
        "picklists": {
            entity: {name: [_picklist_out(v) for v in values] for name, values in fields.items()}
            for entity, fields in profile.picklists.items()
        },
        "udfs": {entity: [_without_nulls(d) for d in defs] for entity, defs in profile.udfs.items()},
        "reference_records": {
            entity: [_without_nulls(r) for r in records] for entity, records in profile.reference_records.items()
        },
    }
    if profile.limits.latency_by_operation:
        data["limits"]["latency_ms_by_operation"] = {
            kind: latency.to_dict() for kind, latency in profile.limits.latency_by_operation
        }
    if profile.entity_dirs:
        # One directory is what a probe writes; more than one cannot be said in a single TOML key.
        if len(profile.entity_dirs) > 1:
            raise ValueError("a profile file names at most one entity directory")
        directory = profile.entity_dirs[0]
        data["metadata"] = {"entity_dir": os.path.relpath(directory, base) if base else str(directory)}
    return data


def write_profile(profile: TenantProfile, path: str | Path) -> Path:
    """Write the profile as TOML; ``TenantProfile.load(path)`` gives an equal profile back."""
    target = Path(path)
    text = tomli_w.dumps(profile_to_dict(profile, base=target.parent.resolve()))
    target.write_text(text, encoding="utf-8")
    return target


def _picklist_out(entry: dict[str, Any]) -> dict[str, Any]:
    """An API-shaped picklist entry in the profile's own spelling (``value``, ``label``, ``default``...)."""
    value = str(entry["value"])
    out: dict[str, Any] = {
        # Integer values are written as integers, as the hand-written profiles do, only when that is lossless.
        "value": int(value) if value.lstrip("-").isdigit() and str(int(value)) == value else value,
        "label": str(entry["label"]),
        "default": bool(entry.get("isDefaultValue", False)),
        "sortOrder": int(entry.get("sortOrder", 0)),
        "active": bool(entry.get("isActive", True)),
        "system": bool(entry.get("isSystem", True)),
    }
    if entry.get("parentValue"):
        out["parent"] = str(entry["parentValue"])
    return out


def _without_nulls(value: Any) -> Any:
    """TOML has no null: null keys and list entries are left out, at any depth, and read back as absent."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value if v is not None]
    return value

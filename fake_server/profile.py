"""Tenant profiles: what differs between Autotask tenants, loaded from TOML."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from .profile_schema import nested, read_settings, setting, write_settings

BUNDLED = ("default", "documented")


# How values are spelt in a profile's TOML and in the fake; the settings below name these as their read/write.


@functools.lru_cache(maxsize=4096)
def _normalise_endpoint(text: str) -> str:
    method, _, path = text.strip().partition(" ")
    return f"{method.upper()} {path.strip().rstrip('/').lower()}"


def _picklist_entry(order: int, value: dict[str, Any]) -> dict[str, Any]:
    return {
        "value": str(value["value"]),
        "label": str(value["label"]),
        "isDefaultValue": bool(value.get("default", False)),
        "sortOrder": int(value.get("sortOrder", order)),
        "parentValue": str(value.get("parent", "")),
        "isActive": bool(value.get("active", True)),
        "isSystem": bool(value.get("system", True)),
    }


def _number(value: float) -> float | int:
    """A whole number of milliseconds is written as an integer, as the hand-written profiles do."""
    return int(value) if float(value).is_integer() else value


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


def without_nulls(value: Any) -> Any:
    """TOML has no null: null keys and list entries are left out, at any depth, and read back as absent."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value if v is not None]
    return value


# The Postman contract §5: setting status 5 ("Complete") stamps completedDate and resolvedDateTime. The one place the
# number is written; everything else asks the tenant's profile which statuses complete.
DEFAULT_COMPLETING_STATUS = 5


def _ints(values: Any) -> frozenset[int]:
    return frozenset(int(v) for v in values)


@dataclass(frozen=True)
class Completion:
    """Which values of a status field complete a record, and what completing stamps (``[completion]``)."""

    entity: str = setting("entity", "Tickets")
    status_field: str = setting("status_field", "status")
    completing_values: frozenset[int] = setting(
        "completing_values", frozenset({DEFAULT_COMPLETING_STATUS}), read=_ints, write=sorted
    )
    stamp_fields: tuple[str, ...] = setting(
        "stamp_fields", ("completedDate", "resolvedDateTime"), read=tuple, write=list
    )
    stamp_resource_field: str = setting("stamp_resource_field", "completedByResourceID")
    reopen_clears: tuple[str, ...] = setting(
        "reopen_clears", ("completedDate", "resolvedDateTime", "completedByResourceID"), read=tuple, write=list
    )

    @property
    def first_value(self) -> int | None:
        """The lowest completing value, the one a workflow sets; ``None`` where no status completes."""
        return min(self.completing_values) if self.completing_values else None


# The kinds of operation a latency can be given for (``Limits.latency_by_operation``).
OPERATIONS = ("read", "query", "write")


@dataclass(frozen=True)
class Latency:
    """How long the API takes to answer: ``typical_ms`` give or take up to ``jitter_ms`` (uniformly)."""

    typical_ms: float = setting("typical", 0.0, read=float, write=_number)
    jitter_ms: float = setting("jitter", 0.0, read=float, write=_number)

    def __post_init__(self) -> None:
        if self.typical_ms < 0 or self.jitter_ms < 0:
            raise ValueError(f"a latency is not negative: {self}")

    @property
    def on(self) -> bool:
        return self.typical_ms > 0 or self.jitter_ms > 0

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Latency:
        unknown = set(data) - {"typical", "jitter"}
        if unknown:
            raise ValueError(f"a latency has only 'typical' and 'jitter' (milliseconds), not {sorted(unknown)}")
        return cls(**read_settings(cls, data))

    def to_dict(self) -> dict[str, float | int]:
        return write_settings(self)


def _tiers(tiers: Any) -> tuple[tuple[float, float], ...]:
    return tuple((float(a), float(b)) for a, b in tiers)


def _latencies(by_operation: dict[str, Any]) -> tuple[tuple[str, Latency], ...]:
    return tuple((str(kind), Latency.from_dict(figures)) for kind, figures in sorted(by_operation.items()))


@dataclass(frozen=True)
class Limits:
    """The API's request limits (GDSTechnology/autotask-mcp docs/THROTTLING.md; n8n-nodes-autotask PR #107);
    ``enabled=False`` turns them all off (``[limits]``).

    ``latency`` is how long every answer takes (off by default); ``latency_by_operation`` overrides it for
    ``read`` (GET), ``query`` (``/query``, ``/query/count``, ``/query/next``) or ``write`` (any other verb).
    A request holds its thread slot while it waits, so with latency on concurrent requests overlap and the
    thread limit is met as on the real API. Latency applies even with ``enabled=False`` (it is how long the
    API takes, not a limit); refusals (429) are answered at once.
    """

    enabled: bool = setting("enabled", True, read=bool)
    hourly_threshold: int = setting("hourly_threshold", 10_000, read=int, probed=True)
    window_seconds: int = setting("window_seconds", 3600, read=int)
    # (share of the threshold used, seconds added to each call from then on)
    latency_tiers: tuple[tuple[float, float], ...] = setting(
        "latency_tiers", ((0.5, 0.5), (0.75, 1.0)), read=_tiers, write=lambda tiers: [list(t) for t in tiers]
    )
    thread_limit: int = setting("thread_limit", 3, read=int)
    latency: Latency = setting("latency_ms", factory=Latency, read=Latency.from_dict, write=Latency.to_dict)
    latency_by_operation: tuple[tuple[str, Latency], ...] = setting(
        "latency_ms_by_operation",
        (),
        read=_latencies,
        write=lambda pairs: {kind: latency.to_dict() for kind, latency in pairs},
        omit_empty=True,
    )

    def __post_init__(self) -> None:
        kinds = [kind for kind, _ in self.latency_by_operation]
        unknown = set(kinds) - set(OPERATIONS)
        if unknown or len(set(kinds)) != len(kinds):
            raise ValueError(f"latency_by_operation names each of {OPERATIONS} at most once, not {kinds}")
        # In operation order, so that equal settings compare equal however they were written.
        object.__setattr__(self, "latency_by_operation", tuple(sorted(self.latency_by_operation)))

    @classmethod
    def off(cls) -> Limits:
        return cls(enabled=False)

    @property
    def latency_on(self) -> bool:
        return self.latency.on or any(latency.on for _, latency in self.latency_by_operation)

    def latency_for(self, operation: str) -> Latency:
        """The latency of one kind of operation: its own figure if the profile gives one, else ``latency``."""
        return next((latency for kind, latency in self.latency_by_operation if kind == operation), self.latency)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Limits:
        return cls(**read_settings(cls, data))


@dataclass(frozen=True)
class UniqueRule:
    entity: str
    field: str
    message: str


@dataclass(frozen=True)
class Numbering:
    """A read-only number the server gives a new record, e.g. ``T20240101.0001.001``."""

    field: str
    pattern: str


def _endpoints(listed: Any) -> frozenset[str]:
    return frozenset(_normalise_endpoint(e) for e in listed)


def _read_picklists(tables: dict[str, Any]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    return {
        entity: {name: [_picklist_entry(i, v) for i, v in enumerate(values)] for name, values in by_field.items()}
        for entity, by_field in tables.items()
    }


def _write_picklists(picklists: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    return {
        entity: {name: [_picklist_out(v) for v in values] for name, values in by_field.items()}
        for entity, by_field in picklists.items()
    }


def _lists_by_entity(tables: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {entity: list(rows) for entity, rows in tables.items()}


def _lists_out(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {entity: [without_nulls(row) for row in rows] for entity, rows in tables.items()}


@dataclass(frozen=True)
class TenantProfile:
    """One tenant's behaviour. ``TenantProfile.load("default")`` or a path to a TOML file.

    Each field names its TOML key once (``setting``); ``from_dict`` and ``profile_toml.profile_to_dict`` follow.
    """

    name: str = setting("name", "unnamed")
    description: str = setting("description", "")
    base_path_case_sensitive: bool = setting("paths.base_path_case_sensitive", True, read=bool, probed=True)
    missing_item_status: int = setting("responses.missing_item_status", 200, read=int, probed=True)
    max_body_bytes: int = setting("responses.max_body_bytes", 4 * 1024 * 1024, read=int)
    absent_endpoints: frozenset[str] = setting("endpoints.absent", frozenset(), read=_endpoints, write=sorted)
    refused_methods: frozenset[str] = setting("endpoints.refused", frozenset(), read=_endpoints, write=sorted)
    # Verbs a tenant accepts although the swagger does not list them (e.g. an older ``POST /TicketNotes``).
    added_methods: frozenset[str] = setting("endpoints.added", frozenset(), read=_endpoints, write=sorted)
    # Seeds 001 and 004: PUT nulls every writable field the body leaves out; False keeps them (a merge).
    put_nulls_omitted: bool = setting("writes.put_nulls_omitted", True, read=bool, probed=True)
    completion: Completion = setting("completion", factory=Completion, read=nested(Completion), write=write_settings)
    picklists: dict[str, dict[str, list[dict[str, Any]]]] = setting(
        "picklists", factory=dict, read=_read_picklists, write=_write_picklists
    )
    udfs: dict[str, list[dict[str, Any]]] = setting("udfs", factory=dict, read=_lists_by_entity, write=_lists_out)
    unique: tuple[UniqueRule, ...] = setting(
        "unique",
        (),
        read=lambda rows: tuple(UniqueRule(u["entity"], u["field"], u["message"]) for u in rows),
        write=lambda rules: [{"entity": u.entity, "field": u.field, "message": u.message} for u in rules],
    )
    numbering: dict[str, Numbering] = setting(
        "numbering",
        factory=dict,
        read=lambda tables: {e: Numbering(n["field"], n["pattern"]) for e, n in tables.items()},
        write=lambda by_entity: {e: {"field": n.field, "pattern": n.pattern} for e, n in by_entity.items()},
    )
    stamps_on_create: dict[str, str] = setting("stamps.on_create", factory=dict, read=dict, write=dict)
    stamps_on_change: dict[str, str] = setting("stamps.on_change", factory=dict, read=dict, write=dict)
    stamps_on_update: dict[str, str] = setting("stamps.on_update", factory=dict, read=dict, write=dict)
    api_user: dict[str, Any] = setting("api_user", factory=dict, read=dict, write=without_nulls)
    reference_records: dict[str, list[dict[str, Any]]] = setting(
        "reference_records", factory=dict, read=_lists_by_entity, write=_lists_out
    )
    zone: dict[str, Any] = setting("zone", factory=dict, read=dict, write=without_nulls)
    limits: Limits = setting("limits", factory=Limits, read=Limits.from_dict, write=write_settings)
    # A tenant's own captured entity files (``[metadata] entity_dir``, relative to the TOML file); not a
    # plain setting, since reading and writing it needs the file's directory.
    entity_dirs: tuple[Path, ...] = ()

    @classmethod
    def load(cls, name_or_path: str | Path = "default") -> TenantProfile:
        """A bundled profile by name (``default``, ``documented``) or a TOML file by path."""
        if isinstance(name_or_path, str) and name_or_path in BUNDLED:
            text = resources.files("fake_server").joinpath(f"profiles/{name_or_path}.toml").read_text("utf-8")
        else:
            path = Path(name_or_path)
            if not path.is_file():
                raise ValueError(f"no tenant profile named {name_or_path!r}: use one of {BUNDLED} or a TOML path")
            text = path.read_text(encoding="utf-8")
            return cls.from_dict(tomllib.loads(text), base=path.parent)
        return cls.from_dict(tomllib.loads(text))

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, base: Path | None = None) -> TenantProfile:
        """The profile a TOML document describes; ``base`` resolves its relative ``entity_dir``."""
        entity_dir = data.get("metadata", {}).get("entity_dir")
        dirs = (((base or Path.cwd()) / entity_dir),) if entity_dir else ()
        return cls(**read_settings(cls, data), entity_dirs=dirs)

    def endpoint_absent(self, method: str, shape: str) -> bool:
        """Whether the tenant answers 404 to this method on this path shape (e.g. ``/Tickets/{id}/Notes``)."""
        return _normalise_endpoint(f"{method} {shape}") in self.absent_endpoints

    def method_refused(self, method: str, shape: str) -> bool:
        """Whether the tenant answers 405 to this method on this path shape."""
        return _normalise_endpoint(f"{method} {shape}") in self.refused_methods

    def method_added(self, method: str, shape: str) -> bool:
        """Whether the tenant accepts this method on this path shape although the swagger does not list it."""
        return _normalise_endpoint(f"{method} {shape}") in self.added_methods

    @property
    def api_resource_id(self) -> int:
        """The resource the API user acts as; it is stamped as creator."""
        return int(self.api_user.get("resource_id", 4))

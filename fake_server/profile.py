"""Tenant profiles: what differs between Autotask tenants, loaded from TOML."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

BUNDLED = ("default", "documented")


@dataclass(frozen=True)
class Completion:
    """Which values of a status field complete a record, and what completing stamps."""

    entity: str = "Tickets"
    status_field: str = "status"
    completing_values: frozenset[int] = frozenset({5})
    stamp_fields: tuple[str, ...] = ("completedDate", "resolvedDateTime")
    stamp_resource_field: str = "completedByResourceID"
    reopen_clears: tuple[str, ...] = ("completedDate", "resolvedDateTime", "completedByResourceID")


# The kinds of operation a latency can be given for (``Limits.latency_by_operation``).
OPERATIONS = ("read", "query", "write")


@dataclass(frozen=True)
class Latency:
    """How long the API takes to answer: ``typical_ms`` give or take up to ``jitter_ms`` (uniformly)."""

    typical_ms: float = 0.0
    jitter_ms: float = 0.0

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
        return cls(float(data.get("typical", 0.0)), float(data.get("jitter", 0.0)))

    def to_dict(self) -> dict[str, float | int]:
        return {"typical": _number(self.typical_ms), "jitter": _number(self.jitter_ms)}


@dataclass(frozen=True)
class Limits:
    """The API's request limits (facts file, section 7); ``enabled=False`` turns them all off.

    ``latency`` is how long every answer takes (off by default); ``latency_by_operation`` overrides it for
    ``read`` (GET), ``query`` (``/query``, ``/query/count``, ``/query/next``) or ``write`` (any other verb).
    A request holds its thread slot while it waits, so with latency on concurrent requests overlap and the
    thread limit is met as on the real API. Latency applies even with ``enabled=False`` (it is how long the
    API takes, not a limit); refusals (429) are answered at once.
    """

    enabled: bool = True
    hourly_threshold: int = 10_000
    window_seconds: int = 3600
    # (share of the threshold used, seconds added to each call from then on)
    latency_tiers: tuple[tuple[float, float], ...] = ((0.5, 0.5), (0.75, 1.0))
    thread_limit: int = 3
    latency: Latency = field(default_factory=Latency)
    latency_by_operation: tuple[tuple[str, Latency], ...] = ()

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
        by_operation = data.get("latency_ms_by_operation", {})
        return cls(
            enabled=bool(data.get("enabled", True)),
            hourly_threshold=int(data.get("hourly_threshold", 10_000)),
            window_seconds=int(data.get("window_seconds", 3600)),
            latency_tiers=tuple((float(a), float(b)) for a, b in data.get("latency_tiers", cls.latency_tiers)),
            thread_limit=int(data.get("thread_limit", 3)),
            latency=Latency.from_dict(data.get("latency_ms", {})),
            latency_by_operation=tuple(
                (str(kind), Latency.from_dict(figures)) for kind, figures in sorted(by_operation.items())
            ),
        )


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


@dataclass(frozen=True)
class TenantProfile:
    """One tenant's behaviour. ``TenantProfile.load("default")`` or a path to a TOML file."""

    name: str
    description: str = ""
    base_path_case_sensitive: bool = True
    missing_item_status: int = 200
    max_body_bytes: int = 4 * 1024 * 1024
    absent_endpoints: frozenset[str] = frozenset()
    refused_methods: frozenset[str] = frozenset()
    # Verbs a tenant accepts although the swagger does not list them (e.g. an older ``POST /TicketNotes``).
    added_methods: frozenset[str] = frozenset()
    # Seeds 001 and 004: PUT nulls every writable field the body leaves out; False keeps them (a merge).
    put_nulls_omitted: bool = True
    completion: Completion = field(default_factory=Completion)
    picklists: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    udfs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unique: tuple[UniqueRule, ...] = ()
    numbering: dict[str, Numbering] = field(default_factory=dict)
    stamps_on_create: dict[str, str] = field(default_factory=dict)
    stamps_on_change: dict[str, str] = field(default_factory=dict)
    stamps_on_update: dict[str, str] = field(default_factory=dict)
    api_user: dict[str, Any] = field(default_factory=dict)
    reference_records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    zone: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    # A tenant's own captured entity files (``[metadata] entity_dir``, relative to the TOML file).
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
        paths = data.get("paths", {})
        responses = data.get("responses", {})
        endpoints = data.get("endpoints", {})
        completion = data.get("completion", {})
        stamps = data.get("stamps", {})
        entity_dir = data.get("metadata", {}).get("entity_dir")
        return cls(
            name=data.get("name", "unnamed"),
            description=data.get("description", ""),
            base_path_case_sensitive=paths.get("base_path_case_sensitive", True),
            missing_item_status=int(responses.get("missing_item_status", 200)),
            max_body_bytes=int(responses.get("max_body_bytes", 4 * 1024 * 1024)),
            absent_endpoints=frozenset(_normalise_endpoint(e) for e in endpoints.get("absent", [])),
            refused_methods=frozenset(_normalise_endpoint(e) for e in endpoints.get("refused", [])),
            added_methods=frozenset(_normalise_endpoint(e) for e in endpoints.get("added", [])),
            put_nulls_omitted=bool(data.get("writes", {}).get("put_nulls_omitted", True)),
            completion=Completion(
                entity=completion.get("entity", "Tickets"),
                status_field=completion.get("status_field", "status"),
                completing_values=frozenset(int(v) for v in completion.get("completing_values", [5])),
                stamp_fields=tuple(completion.get("stamp_fields", Completion.stamp_fields)),
                stamp_resource_field=completion.get("stamp_resource_field", "completedByResourceID"),
                reopen_clears=tuple(completion.get("reopen_clears", Completion.reopen_clears)),
            ),
            picklists={
                entity: {name: [_picklist_entry(i, v) for i, v in enumerate(values)] for name, values in fields.items()}
                for entity, fields in data.get("picklists", {}).items()
            },
            udfs={entity: list(defs) for entity, defs in data.get("udfs", {}).items()},
            unique=tuple(UniqueRule(u["entity"], u["field"], u["message"]) for u in data.get("unique", [])),
            numbering={e: Numbering(n["field"], n["pattern"]) for e, n in data.get("numbering", {}).items()},
            stamps_on_create=dict(stamps.get("on_create", {})),
            stamps_on_change=dict(stamps.get("on_change", {})),
            stamps_on_update=dict(stamps.get("on_update", {})),
            api_user=dict(data.get("api_user", {})),
            reference_records={e: list(r) for e, r in data.get("reference_records", {}).items()},
            zone=dict(data.get("zone", {})),
            limits=Limits.from_dict(data.get("limits", {})),
            entity_dirs=(((base or Path.cwd()) / entity_dir),) if entity_dir else (),
        )

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

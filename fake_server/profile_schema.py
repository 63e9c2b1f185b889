"""The profile schema, declared once: each setting names its TOML key beside its default.

A profile dataclass declares a field with ``setting("section.key", default, read=..., write=...)``; its
default comes from the dataclass, reading a TOML document (``read_settings``) and writing one
(``write_settings``) both walk the same declarations, and ``probed_settings`` gives the probe the
settings it observes. No default, key or conversion is written a second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, field, fields, is_dataclass
from typing import Any

Convert = Callable[[Any], Any]

_KEY = "toml"


def setting(
    key: str,
    default: Any = MISSING,
    *,
    factory: Callable[[], Any] | None = None,
    read: Convert | None = None,
    write: Convert | None = None,
    omit_empty: bool = False,
    probed: bool = False,
) -> Any:
    """A dataclass field kept in TOML at ``key`` (dotted: ``"responses.max_body_bytes"``).

    ``read`` turns the TOML value into the field's value and ``write`` back (both identity by default);
    ``omit_empty`` leaves an empty value out of a written document; ``probed`` marks a point ``probe``
    observes on a tenant, so two profiles can be compared on it.
    """
    metadata = {_KEY: key, "read": read, "write": write, "omit_empty": omit_empty, "probed": probed}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def read_settings(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments ``cls`` takes for what ``data`` says; an absent key keeps the field's default."""
    found: dict[str, Any] = {}
    for declared in fields(cls):
        if _KEY not in declared.metadata:
            continue
        value = _lookup(data, declared.metadata[_KEY])
        if value is not MISSING:
            read = declared.metadata["read"]
            found[declared.name] = read(value) if read else value
    return found


def write_settings(instance: Any) -> dict[str, Any]:
    """The TOML document of a profile dataclass: every declared setting at its key."""
    document: dict[str, Any] = {}
    for declared in fields(instance):
        if _KEY not in declared.metadata:
            continue
        value = getattr(instance, declared.name)
        write = declared.metadata["write"]
        written = write(value) if write else value
        if declared.metadata["omit_empty"] and not written:
            continue
        _assign(document, declared.metadata[_KEY], written)
    return document


def probed_settings(instance: Any) -> dict[str, Any]:
    """The settings marked ``probed``, at any depth, by field name: the simple points a probe learns."""
    points: dict[str, Any] = {}
    for declared in fields(instance):
        value = getattr(instance, declared.name)
        if declared.metadata.get("probed"):
            points[declared.name] = value
        elif is_dataclass(value) and not isinstance(value, type):
            points.update(probed_settings(value))
    return points


def nested(cls: type) -> Convert:
    """Reads a TOML table into the dataclass ``cls`` (whose fields are settings themselves)."""

    def read(table: dict[str, Any]) -> Any:
        return cls(**read_settings(cls, table))

    return read


def _lookup(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


def _assign(document: dict[str, Any], key: str, value: Any) -> None:
    *sections, last = key.split(".")
    node = document
    for part in sections:
        node = node.setdefault(part, {})
    node[last] = value

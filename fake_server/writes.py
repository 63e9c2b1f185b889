"""Creates, full updates (PUT), partial updates (PATCH) and deletes, driven by entity metadata."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .catalog import Catalog, EntityInfo, FieldInfo
from .coercion import INTEGER_TYPES, coerce, comparable, format_datetime
from .errors import NO_MATCHING_RECORD, UPDATE_NO_MATCHING_RECORD, BusinessError
from .profile import TenantProfile
from .rendering import udf_definitions
from .store import Store


@dataclass(frozen=True)
class WriteContext:
    """What a write knows beyond its body: the time, who acts, and the parent the URL names."""

    now: datetime
    impersonator: int | None = None
    parent_field: str | None = None
    parent_id: int | None = None


# Told of every validated write just before the store changes: entity, stored record (None on create), record
# about to be stored (None on delete), context. It may refuse the write (an ApiError) or add to the record.
WriteObserver = Callable[[EntityInfo, "dict[str, Any] | None", "dict[str, Any] | None", WriteContext], None]


class Writer:
    def __init__(
        self,
        catalog: Catalog,
        profile: TenantProfile,
        store: Store,
        udf_types: Callable[[EntityInfo], dict[str, str]],
        observer: WriteObserver | None = None,
    ) -> None:
        self.catalog = catalog
        self.profile = profile
        self.store = store
        self.observer = observer  # the tenant's webhooks (fake_server.webhooks.Webhooks.observe)
        self.udf_types = udf_types  # an entity's UDFs with their value types: the tenant's (Tenant.udf_types)
        self._daily: dict[tuple[str, str], int] = {}
        self._stamp_fields: dict[tuple[str, bool], tuple[EntityInfo, list[tuple[str, str]]]] = {}
        self._required_udfs: dict[str, tuple[EntityInfo, list[tuple[str, Any]]]] = {}

    # -- public operations -------------------------------------------------

    def create(self, entity: EntityInfo, body: Any, ctx: WriteContext) -> int:
        values, udfs, raw_id = self._read_body(entity, body)
        if raw_id is not None and raw_id not in (0, "0"):
            try:
                nonzero = coerce("id", "long", raw_id) != 0
            except BusinessError:
                nonzero = True
            if nonzero:
                raise BusinessError(
                    f"The id of a new {entity.name} record is assigned by Autotask; send 0 or leave it out."
                )
        table = self.store.table(entity.name)
        record_id = table.new_id()
        record: dict[str, Any] = {"id": record_id, **entity.create_defaults}
        record.update(values)  # only writable names: in place, the order stays the fields'
        self._bind_parent(record, ctx)
        record["userDefinedFields"] = self._udfs(entity, None, udfs)
        self._stamp(entity, record, None, ctx)
        self._validate(entity, record, record_id)
        if self.observer is not None:
            self.observer(entity, None, record, ctx)
        table.put(record_id, record)
        return record_id

    def update(self, entity: EntityInfo, body: Any, ctx: WriteContext, *, partial: bool) -> int:
        values, udfs, raw_id = self._read_body(entity, body)
        if raw_id is None:
            raise BusinessError(f"An update of {entity.name} requires the id of the record in the body.")
        record_id = int(coerce("id", "long", raw_id))
        table = self.store.table(entity.name)
        old = table.get(record_id)
        if old is None or (ctx.parent_field and old.get(ctx.parent_field) != ctx.parent_id):
            raise BusinessError(UPDATE_NO_MATCHING_RECORD)
        # Read-only values in a body are ignored, as the API documents (``_read_body`` drops them). A PATCH keeps
        # the stored record's key order; a PUT's record has the entity's (read-only fields first), whatever
        # order the body sent them in.
        if partial:
            record: dict[str, Any] = dict(old)
            for name in entity.writable_names:
                if name in values:
                    record[name] = values[name]
        else:
            record = {name: old.get(name) for name in entity.read_only_names}
            # PUT nulls every writable field the body leaves out, unless the tenant's profile says it merges
            if self.profile.put_nulls_omitted:
                record.update(dict.fromkeys(entity.writable_names))
            else:
                record.update({name: old.get(name) for name in entity.writable_names})
            record.update(values)  # only writable names: in place, the order stays the fields'
        self._bind_parent(record, ctx)
        record["id"] = record_id
        record["userDefinedFields"] = self._udfs(entity, old.get("userDefinedFields") or {}, udfs)
        self._stamp(entity, record, old, ctx)
        self._validate(entity, record, record_id)
        if self.observer is not None:
            self.observer(entity, old, record, ctx)
        table.put(record_id, record)
        return record_id

    def delete(self, entity: EntityInfo, record_id: int, ctx: WriteContext) -> int:
        table = self.store.table(entity.name)
        old = table.get(record_id)
        if old is None or (ctx.parent_field and old.get(ctx.parent_field) != ctx.parent_id):
            raise BusinessError(NO_MATCHING_RECORD)
        if self.observer is not None:
            self.observer(entity, old, None, ctx)
        table.delete(record_id)
        return record_id

    def store_seed(self, entity: EntityInfo, checked: dict[str, Any], now: datetime) -> int:
        """Store a record ``seed_check.check_record`` gave (no business validation): defaults and system fields
        filled, an id given if it has none."""
        table = self.store.table(entity.name)
        record = dict(checked)
        udfs = record.pop("userDefinedFields", None) or {}
        for info in entity.fields:
            # What the API itself fills on every record it makes: it never answers a null boolean, and an
            # optional picklist left out takes its default (records seeded from old exports often lack both).
            if info.data_type == "boolean" and record.get(info.name) is None:
                record[info.name] = False
            elif info.name not in record and not info.is_read_only:
                default = info.default_value
                if default is not None:
                    record[info.name] = default
        record_id = record["id"] if record.get("id") is not None else table.new_id()
        record["id"] = record_id
        record["userDefinedFields"] = udfs or None
        ctx = WriteContext(now=now)
        for field_name, source in {**self.profile.stamps_on_create, **self.profile.stamps_on_change}.items():
            stamped = entity.field(field_name)
            if stamped is not None and record.get(stamped.name) is None:
                record[stamped.name] = self._stamp_value(source, ctx)
        self._number(entity, record, ctx, only_if_missing=True)
        table.put(int(record_id), record)
        return int(record_id)

    # -- body reading --------------------------------------------------------

    def _read_body(self, entity: EntityInfo, body: Any) -> tuple[dict[str, Any], Any, Any]:
        if not isinstance(body, dict):
            raise BusinessError(f"The request body must be a JSON object describing a {entity.name} record.")
        values: dict[str, Any] = {}
        udfs: Any = None
        raw_id: Any = None
        exact = entity.by_exact_name
        for key, value in body.items():
            info = exact.get(key)
            if info is not None:  # most keys: a field spelled as the entity spells it
                if not info.is_read_only:  # read-only values in a body are ignored, as the API documents
                    # A whole record sent back (a PUT) is mostly nulls: kept as they are without a call.
                    values[info.name] = None if value is None else checked_value(info, value)
                continue
            lower = key.lower()
            if lower == "userdefinedfields":
                udfs = value
                continue
            if lower == "id":
                raw_id = value
                continue
            info = entity.by_lower.get(lower)
            if info is None:
                if entity.ignores(key):
                    continue
                raise BusinessError(f"Unable to find the field {key} on the {entity.name} entity.")
            if info.is_read_only:
                continue
            values[info.name] = None if value is None else checked_value(info, value)
        return values, udfs, raw_id

    def _udfs(self, entity: EntityInfo, old: dict[str, Any] | None, sent: Any) -> dict[str, Any] | None:
        """The record's UDF values after a create (``old`` is ``None``) or an update, PUT and PATCH alike.

        Autotask's UDF page (REST/Entities/UserdefinedFieldsUDFs.htm) [DOCS], under both bundled profiles:
        - an update that leaves a UDF out keeps its value: "if no value is provided on update and the field is
          currently populated, the current value remains in place". That holds for PUT as for PATCH: a PUT nulls
          the entity's own fields it leaves out (``put_nulls_omitted``), never its UDFs;
        - a UDF required in the UI is not required through the API; left out of a create, a required UDF takes
          the definition's default value when it has one (else it stays empty);
        - on update, a populated required UDF "cannot be removed" (the SOAP UDF page, SOAP/Entities/
          UserdefinedFieldsUDFs.htm, whose other UDF rules the REST page repeats, says so): a null sent for it
          keeps the value [the keeping is DOCS; that no error is raised is INFERRED].
        A null sent for any other UDF clears it [INFERRED: the docs forbid removing only required UDFs, so the
        others can be removed, and a null value is the only removal the {name, value} shape can say].
        """
        types, required = self.udf_types(entity), self._required_udfs_of(entity)
        result = dict(old or {})
        if sent is not None and not isinstance(sent, list):
            raise BusinessError("userDefinedFields must be an array of {name, value} objects.")
        pairs = udf_pairs(sent)
        for name, value in pairs.items():
            canonical = next((n for n in types if n.lower() == name.lower()), None)
            if canonical is None:
                raise BusinessError(f"Unable to find user-defined field {name} on the {entity.name} entity.")
            typed = coerce(canonical, types[canonical], value)
            result[canonical] = None if typed is None else udf_text(typed)
        for name, default in required:
            if old is None and result.get(name) is None and default is not None:
                result[name] = udf_text(coerce(name, types[name], default))
            elif old is not None and result.get(name) is None and old.get(name) is not None:
                result[name] = old[name]
        return {k: v for k, v in result.items() if v is not None} or None

    def _required_udfs_of(self, entity: EntityInfo) -> list[tuple[str, Any]]:
        """(name, default value) of each UDF of the entity that is required: worked out once per entity (the
        profile is frozen; a replaced entity is new), not on every write."""
        found = self._required_udfs.get(entity.name)
        if found is None or found[0] is not entity:
            definitions = udf_definitions(self.profile, entity)
            required = [(d["name"], d.get("defaultValue")) for d in definitions if d["isRequired"]]
            found = self._required_udfs[entity.name] = (entity, required)
        return found[1]

    # -- server-side values ----------------------------------------------------

    def _bind_parent(self, record: dict[str, Any], ctx: WriteContext) -> None:
        if ctx.parent_field:
            record[ctx.parent_field] = ctx.parent_id

    def _stamp_value(self, source: str, ctx: WriteContext) -> Any:
        if source == "now":
            return format_datetime(ctx.now)
        if source == "api_user":
            return self.profile.api_resource_id
        if source == "impersonator":
            return ctx.impersonator
        raise ValueError(f"unknown stamp source {source!r} in the tenant profile")

    def _stamps(self, entity: EntityInfo, create: bool) -> list[tuple[str, str]]:
        """(field, source) of each stamp a create or an update of the entity gets, the fields the entity has:
        worked out once per entity and kind of write (the profile is frozen; a replaced entity is new)."""
        key = (entity.name, create)
        found = self._stamp_fields.get(key)
        if found is None or found[0] is not entity:
            stamps = dict(self.profile.stamps_on_change)
            stamps.update(self.profile.stamps_on_create if create else self.profile.stamps_on_update)
            infos = [(entity.field(name), source) for name, source in stamps.items()]
            fields = [(info.name, source) for info, source in infos if info is not None]
            found = self._stamp_fields[key] = (entity, fields)
        return found[1]

    def _stamp(self, entity: EntityInfo, record: dict[str, Any], old: dict[str, Any] | None, ctx: WriteContext) -> None:
        now = None
        value: Any  # a formatted time or a resource id
        for name, source in self._stamps(entity, old is None):
            if source == "now":  # one write's stamps share one time: formatted once
                value = now = format_datetime(ctx.now) if now is None else now
            else:
                value = self._stamp_value(source, ctx)
            if value is not None or source != "impersonator":
                record[name] = value
        if old is None:
            self._number(entity, record, ctx, only_if_missing=False)
        self._complete(entity, record, old, ctx)

    def _number(self, entity: EntityInfo, record: dict[str, Any], ctx: WriteContext, *, only_if_missing: bool) -> None:
        numbering = self.profile.numbering.get(entity.name)
        if numbering is None or (only_if_missing and record.get(numbering.field)):
            return
        day = ctx.now.strftime("%Y%m%d")
        daily = self._daily.get((entity.name, day), 0) + 1
        self._daily[(entity.name, day)] = daily
        record[numbering.field] = numbering.pattern.format(date=ctx.now, daily=daily, suffix=int(record["id"]) % 1000)

    def _complete(
        self, entity: EntityInfo, record: dict[str, Any], old: dict[str, Any] | None, ctx: WriteContext
    ) -> None:
        rule = self.profile.completion
        if entity.name != rule.entity or entity.field(rule.status_field) is None:
            return
        was = (old or {}).get(rule.status_field) in rule.completing_values
        now_completing = record.get(rule.status_field) in rule.completing_values
        if now_completing and not was:
            for name in rule.stamp_fields:
                record[name] = format_datetime(ctx.now)
            if rule.stamp_resource_field:
                record[rule.stamp_resource_field] = ctx.impersonator or self.profile.api_resource_id
        elif was and not now_completing:
            for name in rule.reopen_clears:
                record[name] = None

    # -- validation --------------------------------------------------------------

    def _validate(self, entity: EntityInfo, record: dict[str, Any], record_id: int) -> None:
        for info in entity.validated_fields:  # the writable fields with a check; no other field has one
            value = record.get(info.name)
            if value is None:
                if info.is_required:
                    raise BusinessError(f"{info.name} is a required field of {entity.name} and has no value.")
                continue
            if info.is_pick_list and info.picklist_values is not None:
                self._check_picklist(entity, info, value, record)
            if info.is_reference and info.reference_entity_type:
                self._check_reference(info, value)
        for rule in self.profile.unique:
            if rule.entity != entity.name or record.get(rule.field) is None:
                continue
            unique_field = entity.field(rule.field)
            data_type = unique_field.data_type if unique_field else "string"
            same = self.store.table(entity.name).lookup(
                rule.field, comparable(data_type, record[rule.field]), functools.partial(comparable, data_type)
            )
            if same - {record_id}:
                raise BusinessError(rule.message.format(value=record[rule.field]))

    def _check_picklist(self, entity: EntityInfo, info: FieldInfo, value: Any, record: dict[str, Any]) -> None:
        key = str(value)
        entry = info.allowed_values.get(key)
        if entry is None:
            raise BusinessError(f"Value {value} does not exist for field {info.name} on the {entity.name} entity.")
        if info.picklist_parent_value_field and entry.get("parentValue"):
            parent = entity.field(info.picklist_parent_value_field)
            parent_value = record.get(parent.name) if parent else None
            if str(parent_value) != str(entry["parentValue"]):
                raise BusinessError(
                    f"Value {value} of {info.name} does not belong to {info.picklist_parent_value_field} "
                    f"{parent_value}."
                )

    def _check_reference(self, info: FieldInfo, value: Any) -> None:
        table = self.catalog.checked_reference(info.reference_entity_type)
        if table is not None and info.data_type in INTEGER_TYPES and int(value) not in self.store.table(table):
            raise BusinessError(f"{info.name}: no {info.reference_entity_type} with id {value} exists.")


def checked_value(info: FieldInfo, value: Any) -> Any:
    """A value sent for a field as a write stores it: coerced to its type, within its length."""
    if value is None:
        return None
    coerced = info.coercer(info.name, value)
    if info.length and info.data_type == "string" and len(coerced) > info.length:
        raise BusinessError(
            f"The value of {info.name} is {len(coerced)} characters long; the field holds at most {info.length}."
        )
    return coerced


def udf_pairs(sent: Any) -> dict[str, Any]:
    pairs: dict[str, Any] = {}
    for entry in sent or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise BusinessError("Each user-defined field must be an object with a name and a value.")
        pairs[entry["name"]] = entry.get("value")
    return pairs


def udf_text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

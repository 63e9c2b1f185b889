"""``Tenant``: one Autotask tenant's state and its rules of change, with no HTTP in sight.

The catalog (its entities, with the profile's picklists), the profile, the store, the writer that changes
it, compiled queries and UDF types. Handlers are given the tenant, never the fake around it: routing,
credentials, kept answers, limits and the journal are the core's (``fake.FakeAutotask``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .catalog import Catalog, EntityInfo
from .errors import BusinessError
from .http_types import ApiRequest, ApiResponse, dumps
from .jsonbody import request_json
from .profile import TenantProfile
from .query_cache import PlanCache
from .rendering import render, udf_types
from .seed_check import Checked, check_record, check_snapshot
from .store import Store
from .webhooks import Webhooks
from .webhooks.metadata import apply as apply_webhook_metadata
from .writes import WriteContext, Writer


class Tenant:
    """One tenant: what is stored and how it may change. ``lock`` guards every change and read of it."""

    def __init__(
        self, profile: TenantProfile, *, entity_dirs: tuple[str | Path, ...] = (), clock: Callable[[], datetime]
    ) -> None:
        self.profile = profile
        self.catalog = tenant_catalog(profile, entity_dirs)
        self.clock = clock
        self.store = Store()
        self.plans = PlanCache()
        self.lock = threading.RLock()
        self.webhooks = Webhooks(self.store, self.catalog, profile, self.lock, clock)
        self._udf_types: dict[str, dict[str, str]] = {}
        self.writer = self._new_writer()
        # Reference records are stamped with the tenant's birth time, so every reset yields the same state.
        self._born = clock()
        self.reset()

    def reset(self) -> None:
        """Back to the profile's reference records alone."""
        with self.lock:
            self.store.clear()
            self.webhooks.outbox.clear()
            self.writer = self._new_writer()
            for entity_name, records in self.profile.reference_records.items():
                for record in records:
                    info = self.entity(entity_name)
                    self.writer.store_seed(info, check_record(self.profile, info, record), self._born)
            self.name_api_user()

    # -- records -----------------------------------------------------------------------------------

    def seed(self, entity: str, record: dict[str, Any]) -> int:
        """Put a record straight into the tenant (no HTTP, no business validation); returns its id."""
        with self.lock:
            info = self.entity(entity)
            record_id = self.writer.store_seed(info, check_record(self.profile, info, record), self.clock())
            self.webhooks.adopt_seeded(info.name, record_id)
            return record_id

    def get(self, entity: str, record_id: int) -> dict[str, Any] | None:
        """The record as ``GET /{entity}/{id}`` would return it, or ``None``."""
        with self.lock:
            info = self.entity(entity)
            stored = self.store.table(info.name).get(record_id)
            return None if stored is None else render(info, stored, list(self.udf_types(info)))

    def records(self, entity: str) -> list[dict[str, Any]]:
        """Every stored record of an entity, in id order, in the API's item shape."""
        with self.lock:
            info = self.entity(entity)
            names = list(self.udf_types(info))
            return [render(info, rec, names) for _, rec in self.store.table(info.name).items()]

    def load_snapshot(self, snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Seed a tenant snapshot (entity name -> records); returns how many records each entity got.

        The whole snapshot is checked first (``check_snapshot``), so a refused one stores nothing."""
        with self.lock:
            checked = self.check_snapshot(snapshot)
            self._store_checked(checked)
        return {entity: len(records) for entity, records in snapshot.items()}

    def check_snapshot(self, snapshot: Any, *, ids_required: bool = False) -> Checked:
        """Every record of a snapshot checked as a write's body is, no two with one id (and each with an id,
        if ``ids_required``); a ``SnapshotRefused`` names the entity, the record and the field of the first
        fault."""
        return check_snapshot(self.catalog, self.profile, snapshot, ids_required=ids_required)

    def _store_checked(self, checked: Checked) -> None:
        now = self.clock()
        for info, rows in checked:
            for record in rows:
                self.webhooks.adopt_seeded(info.name, self.writer.store_seed(info, record, now))

    def restore(self, snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Exactly the records of a snapshot ``export_snapshot`` gave (reference records included), nothing
        else: a state file read back. Checked whole before the tenant is emptied."""
        with self.lock:
            checked = self.check_snapshot(snapshot, ids_required=True)
            self.store.clear()
            self.webhooks.outbox.clear()
            self.writer = self._new_writer()
            self._store_checked(checked)
            return {entity: len(records) for entity, records in snapshot.items()}

    def export_snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored entity record in ``load_snapshot``'s format. State that is not an entity (a company's
        invoice settings) is not part of a snapshot."""
        with self.lock:
            exported: dict[str, list[dict[str, Any]]] = {}
            for entity, records in self.store.snapshot().items():
                if self.catalog.get(entity) is None:
                    continue
                rows = []
                for record in records.values():
                    udfs = record.pop("userDefinedFields", None) or {}
                    if udfs:
                        record["userDefinedFields"] = [{"name": k, "value": v} for k, v in udfs.items()]
                    rows.append(record)
                exported[entity] = rows
            return exported

    def snapshot(self) -> dict[str, dict[int, dict[str, Any]]]:
        """Every stored value, for comparing the state before and after something."""
        with self.lock:
            return self.store.snapshot()

    # -- what handlers ask of it -----------------------------------------------------------------------

    def entity(self, name: str) -> EntityInfo:
        info = self.catalog.get(name)
        if info is None:
            raise ValueError(f"Autotask has no entity named {name!r}")
        return info

    def _new_writer(self) -> Writer:
        """A writer for the store as it is emptied (reset, restore): its daily ticket numbers start again."""
        return Writer(self.catalog, self.profile, self.store, self.udf_types, self.webhooks.observe)

    def udf_types(self, entity: EntityInfo) -> dict[str, str]:
        """The tenant's UDFs on an entity with their value types; fixed for the tenant's life, so cached."""
        cached = self._udf_types.get(entity.name)
        if cached is None:
            cached = self._udf_types[entity.name] = udf_types(self.profile, entity)
        return cached

    def write_context(
        self, request: ApiRequest, parent_field: str | None = None, parent_id: int | None = None
    ) -> WriteContext:
        """The time, who acts (``ImpersonationResourceId``, which must name a resource) and the parent."""
        raw = request.header("ImpersonationResourceId")
        impersonator = None
        if raw:
            if not raw.strip().isdigit():
                raise BusinessError(f"ImpersonationResourceId '{raw}' is not a resource id.")
            impersonator = int(raw)
            if impersonator not in self.store.table("Resources"):
                raise BusinessError(f"Impersonation failed: no resource with id {impersonator} exists.")
        return WriteContext(self.clock(), impersonator, parent_field, parent_id)

    @staticmethod
    def body(request: ApiRequest) -> Any:
        """A write's body, parsed as the API reads it; an empty one is the API's own null-model error."""
        if not request.body:
            raise BusinessError("Value cannot be null.\r\nParameter name: restModelInput")
        return request_json(request)

    def read_as_api_user(
        self, username: str | None, request: ApiRequest, read: Callable[[], ApiResponse]
    ) -> ApiResponse:
        """A read of Resources that finds the API user's Resource by the caller's ``UserName``, as clients
        resolve "who am I" (autotask-client queries ``email eq <UserName>`` on start), without that name being
        kept or shown: the record carries it only while the read matches, and the answer shows the record as
        the tenant holds it (``api_user.user_name`` of the profile, else its reference record; placeholders
        in the bundled profiles). The state file, the live view and every later answer never see it.

        Only a read naming the caller's user name (in its URL or body, in any casing) can match by it; any
        other is answered as it is, so kept answers stay valid.
        """
        if not username or not _names(request, username):
            return read()
        table = self.store.table("Resources")
        record = table.get(self.profile.api_resource_id)
        if record is None:
            return read()
        shown = {key: record.get(key) for key in ("email", "userName")}
        table.put(self.profile.api_resource_id, {**record, "email": username, "userName": username})
        try:
            response = read()
        finally:
            table.put(self.profile.api_resource_id, record)  # a new version: the answer made is not kept
        return _shown_as(response, self.profile.api_resource_id, shown)

    def name_api_user(self) -> None:
        """The profile's ``api_user.user_name``, if it names one, as the API user's email and userName."""
        name = self.profile.api_user.get("user_name")
        table = self.store.table("Resources")
        record = table.get(self.profile.api_resource_id)
        if isinstance(name, str) and name and record is not None:
            table.put(self.profile.api_resource_id, {**record, "email": name, "userName": name})


def _names(request: ApiRequest, username: str) -> bool:
    lowered = username.lower()
    if lowered in unquote(request.url).lower():
        return True
    return bool(request.body) and lowered in request.body.decode("utf-8", errors="replace").lower()


def _shown_as(response: ApiResponse, resource_id: int, shown: dict[str, Any]) -> ApiResponse:
    """The answer with the API user's Resource showing ``shown`` for the fields it has of them."""
    if response.status != 200 or not response.content():
        return response
    data = response.body
    records = data.get("items") if isinstance(data, dict) else None
    if isinstance(data, dict) and isinstance(data.get("item"), dict):
        records = [data["item"]]
    for item in records if isinstance(records, list) else ():
        if isinstance(item, dict) and item.get("id") == resource_id:
            item.update((key, value) for key, value in shown.items() if key in item)
    return ApiResponse(response.status, content=dumps(data), headers=response.headers)


def tenant_catalog(profile: TenantProfile, entity_dirs: tuple[str | Path, ...] = ()) -> Catalog:
    """The entities this tenant has: bundled, then the profile's and the caller's captured files, with the
    profile's picklists."""
    catalog = Catalog((*profile.entity_dirs, *(Path(d) for d in entity_dirs)))
    for entity_name, fields in profile.picklists.items():
        entity = catalog.get(entity_name)
        if entity is None:
            raise ValueError(f"profile {profile.name!r} names unknown entity {entity_name!r}")
        for field_name, values in fields.items():
            entity = entity.with_picklist(field_name, values)
        catalog.replace(entity)
    apply_webhook_metadata(catalog)
    return catalog

"""``FakeAutotask``: one tenant's state and the framework-free ``handle(request) -> response`` core."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .admission import Fault, Gate
from .errors import ApiError, BusinessError, NotFound, PayloadTooLarge, Unauthorized
from .handlers import dispatch, is_read
from .journal import Journal
from .jsonbody import check_media_type, parse_json, recorded
from .messages import JSON_HEADERS, ApiRequest, ApiResponse
from .metadata import Catalog, EntityInfo
from .plans import PlanCache
from .profile import Limits, TenantProfile
from .records import render, udf_types
from .routing import Route, api_segments, base_path_accepted, resolve, service_segments
from .service import authenticated, unauthenticated
from .store import Store
from .values import now_utc
from .writes import WriteContext, Writer

if TYPE_CHECKING:
    import httpx
    import respx

    from .asgi import AsgiApp

log = logging.getLogger("fake_server")
# Resolved routes kept per (method, path); a client polling the same URLs skips routing. Emptied when full.
ROUTE_CACHE_SIZE = 4096
# Answers to reads kept per (method, URL, body) while no record changes: clients poll the same record or
# query, and its answer is then sent without being made again. Emptied when full; large pages, and answers
# to large query bodies, are not kept.
ANSWER_CACHE_SIZE = 1024
ANSWER_MAX_BYTES = 16 * 1024
UNEXPECTED = "An unexpected error has occurred."


@dataclass(frozen=True)
class Credentials:
    """The API user the fake accepts; with none configured, any non-empty credentials pass."""

    username: str
    secret: str
    integration_code: str


class FakeAutotask:
    """An in-memory Autotask tenant that answers REST requests as the real API does.

    ``profile`` is a bundled profile name (``default``, ``documented``), a TOML
    path or a ``TenantProfile``; ``entity_dirs`` adds a tenant's own captured
    entity files, which win over the bundled ones. Profile and catalog are fixed
    once the fake is built (routes resolved from them are cached): for another
    tenant, build another fake.
    """

    def __init__(
        self,
        profile: str | Path | TenantProfile = "default",
        *,
        entity_dirs: tuple[str | Path, ...] = (),
        credentials: Credentials | None = None,
        clock: Callable[[], datetime] = now_utc,
        limits: Limits | None = None,
    ) -> None:
        self.profile = profile if isinstance(profile, TenantProfile) else TenantProfile.load(profile)
        self.catalog = Catalog((*self.profile.entity_dirs, *(Path(d) for d in entity_dirs)))
        for entity_name, fields in self.profile.picklists.items():
            entity = self.catalog.get(entity_name)
            if entity is None:
                raise ValueError(f"profile {self.profile.name!r} names unknown entity {entity_name!r}")
            for field_name, values in fields.items():
                entity = entity.with_picklist(field_name, values)
            self.catalog.replace(entity)
        self.credentials = credentials
        self.clock = clock
        self.journal = Journal()
        self.plans = PlanCache()
        self._udf_types: dict[str, dict[str, str]] = {}
        self._routes: dict[tuple[str, str], tuple[Route, bool]] = {}  # with whether it only reads
        self._answers: dict[tuple[str, str, bytes], tuple[int, ApiResponse]] = {}
        self.gate = Gate(limits if limits is not None else self.profile.limits)
        self._lock = threading.RLock()
        self.store = Store()
        self._writer = Writer(self.catalog, self.profile, self.store)
        # Reference records are stamped with the fake's birth time, so every reset yields the same state.
        self._born = clock()
        self.reset()

    # -- state ---------------------------------------------------------------

    def reset(self) -> None:
        """Back to a fresh tenant: only the profile's reference records, an empty journal, no faults."""
        self.gate.reset()
        with self._lock:
            self.store.clear()
            self._answers.clear()
            self._writer = Writer(self.catalog, self.profile, self.store)
            for entity_name, records in self.profile.reference_records.items():
                for record in records:
                    self._writer.seed(self._entity(entity_name), record, self._born)
            self.journal.clear()

    def seed(self, entity: str, record: dict[str, Any]) -> int:
        """Put a record straight into the tenant (no HTTP, no business validation); returns its id."""
        with self._lock:
            return self._writer.seed(self._entity(entity), record, self.clock())

    def get(self, entity: str, record_id: int) -> dict[str, Any] | None:
        """The record as ``GET /{entity}/{id}`` would return it, or ``None``."""
        with self._lock:
            info = self._entity(entity)
            stored = self.store.table(info.name).get(record_id)
            return None if stored is None else render(info, stored, list(self.udf_types(info)))

    def records(self, entity: str) -> list[dict[str, Any]]:
        """Every stored record of an entity, in id order, in the API's item shape."""
        with self._lock:
            info = self._entity(entity)
            names = list(self.udf_types(info))
            return [render(info, rec, names) for _, rec in self.store.table(info.name).items()]

    def load_snapshot(self, snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Seed a tenant snapshot (entity name -> records); returns how many records each entity got."""
        if not isinstance(snapshot, dict) or not all(isinstance(v, list) for v in snapshot.values()):
            raise ValueError("a snapshot maps entity names to lists of records")
        with self._lock:
            for entity, records in snapshot.items():
                for record in records:
                    self.seed(entity, record)
        return {entity: len(records) for entity, records in snapshot.items()}

    def export_snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored entity record in ``load_snapshot``'s format, so a recording can say what it started
        from. State that is not an entity (a company's invoice settings) is not part of a snapshot."""
        with self._lock:
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

    def inject_fault(
        self,
        *,
        status: int = 500,
        errors: list[str] | None = None,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        delay: float = 0.0,
        drop: bool = False,
        after: int = 0,
    ) -> Fault:
        """Make the next ``times`` requests (matching ``method`` and the ``path`` regex, if given, and once
        ``after`` matching ones have passed untouched) answer ``status`` with ``errors``, or wait ``delay``
        seconds first, or lose the connection."""
        fault = Fault(
            times=times,
            status=status,
            errors=errors or ["Injected fault."],
            method=method,
            path=path,
            delay=delay,
            drop=drop,
            after=after,
        )
        return self.gate.inject(fault)

    def snapshot(self) -> dict[str, dict[int, dict[str, Any]]]:
        """Every stored value, for comparing the state before and after something."""
        with self._lock:
            return self.store.snapshot()

    def udf_types(self, entity: EntityInfo) -> dict[str, str]:
        """The tenant's UDFs on an entity with their value types; fixed for the fake's life, so cached."""
        cached = self._udf_types.get(entity.name)
        if cached is None:
            cached = self._udf_types[entity.name] = udf_types(self.profile, entity)
        return cached

    def _entity(self, name: str) -> EntityInfo:
        info = self.catalog.get(name)
        if info is None:
            raise ValueError(f"Autotask has no entity named {name!r}")
        return info

    # -- adapters --------------------------------------------------------------

    @contextmanager
    def mock(self, *, allow: Sequence[str] = (), assert_all_mocked: bool = True) -> Iterator[respx.MockRouter]:
        """Route every request to an Autotask zone host to this fake, from httpx (sync and async, through
        respx), ``requests`` (through responses) and ``aiohttp`` (through aioresponses) alike.

        A request to any other host fails with the stack's connection error naming it, unless its URL
        starts with one of ``allow`` (``assert_all_mocked=False`` lets every other httpx request through,
        as respx's own switch does). Yields the respx router.
        """
        from .respx_mount import mounted

        with ExitStack() as stack:
            router = stack.enter_context(mounted(self, allow=allow, assert_all_mocked=assert_all_mocked))
            for mount in _optional_mounts():
                stack.enter_context(mount(self, allow=allow))
            yield router

    def transport(self) -> httpx.BaseTransport:
        """An httpx transport answered by this fake: ``httpx.Client(transport=fake.transport())``, with no
        patching of anything and no router in between."""
        from .transport import FakeTransport

        return FakeTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """The same for ``httpx.AsyncClient``."""
        from .transport import AsyncFakeTransport

        return AsyncFakeTransport(self)

    @property
    def asgi_app(self) -> AsgiApp:
        """This fake as an ASGI application (uvicorn, hypercorn...), without the ``/_harness/`` state API."""
        from .asgi import AsgiApp

        return AsgiApp(self)

    # -- the core ----------------------------------------------------------------

    def handle(self, request: ApiRequest, override: ApiResponse | None = None) -> ApiResponse:
        """Answer one request (or record ``override`` as its answer); every outcome goes into the journal.

        This is the pure core: rate limits and faults are applied by the adapters through ``self.gate``.
        """
        started = time.time()
        response = self._respond(request, override)
        try:
            # Most bodies hold no \u escape at all; only those can need re-reading before they are kept.
            kept = recorded(request) if b"\\u" in request.body else request
            self.journal.record(kept, response, started, time.time() - started)
        except Exception:  # a journal that cannot be written (a stream) must not cost the client its answer
            log.exception("fake_server could not journal %s %s", request.method, request.path)
        return response

    def _respond(self, request: ApiRequest, override: ApiResponse | None) -> ApiResponse:
        try:
            if override is not None:
                response = override
            else:
                with self._lock:
                    response = self._dispatch(request)
        except ApiError as error:
            response = error.response()
        except RecursionError:  # input limits keep recursion shallow; a path they miss still gets the envelope
            response = BusinessError("The request is nested too deeply to be processed.").response()
        except Exception:  # a bug of ours must still answer in the API's envelope
            log.exception("fake_server failed on %s %s", request.method, request.path)
            response = ApiResponse(500, {"errors": [UNEXPECTED]})
        try:
            response.content()  # serialised here, once: an answer that cannot be sent is a bug answered as one
        except Exception:
            log.exception("fake_server could not serialise its answer to %s %s", request.method, request.path)
            response = ApiResponse(500, {"errors": [UNEXPECTED]})
        return response

    def _dispatch(self, request: ApiRequest) -> ApiResponse:
        if len(request.body) > self.profile.max_body_bytes:
            raise PayloadTooLarge.for_request(request, self.profile.max_body_bytes)
        key = (request.method, request.path)
        known = self._routes.get(key)
        if known is None:
            found = self._route(request)
            if isinstance(found, ApiResponse):
                return found
            if len(self._routes) >= ROUTE_CACHE_SIZE:
                self._routes.clear()
            known = self._routes[key] = (found, is_read(found, request.method))
        else:  # routing depends only on method, path, catalog and profile: all fixed; credentials do not
            self._authenticate(request)
        route, read = known
        check_media_type(request)
        if route.entity.name == "Resources" and read:
            return self._as_api_user(request, route)
        return self._answer(route, read, request)

    def _answer(self, route: Route, read: bool, request: ApiRequest) -> ApiResponse:
        if not read:
            return dispatch(self, route, request)
        answer_key = (request.method, request.url, request.body)
        kept = self._answers.get(answer_key)
        if kept is not None and kept[0] == self.store.version:
            return kept[1]
        return self._read_afresh(route, request, answer_key)

    def _read_afresh(self, route: Route, request: ApiRequest, answer_key: tuple[str, str, bytes]) -> ApiResponse:
        """Make a read's answer and keep it until a record changes. The kept copy holds only the bytes, so
        the requests that share it each parse their own ``body`` and never share a dict."""
        version = self.store.version
        response = dispatch(self, route, request)
        content = response.content()
        if (
            response.headers is JSON_HEADERS
            and len(content) <= ANSWER_MAX_BYTES
            and len(request.body) <= ANSWER_MAX_BYTES
        ):
            if len(self._answers) >= ANSWER_CACHE_SIZE:
                self._answers.clear()
            self._answers[answer_key] = (version, ApiResponse(response.status, content=content))
        return response

    def _route(self, request: ApiRequest) -> Route | ApiResponse:
        """The route for a request (authenticating it on the way), or the answer of a service endpoint."""
        service = service_segments(request.path)
        if service is None:
            raise NotFound.for_url(request.url)
        if request.method.upper() == "GET":
            answer = unauthenticated(self, request, service)
            if answer is not None:
                return answer
        segments = api_segments(service)
        if segments is None or not base_path_accepted(request.path, self.profile):
            raise NotFound.for_url(request.url)
        self._authenticate(request)
        if request.method.upper() == "GET":
            answer = authenticated(self, segments)
            if answer is not None:
                return answer
        return resolve(segments, request.method, self.catalog, self.profile, request.url)

    def _authenticate(self, request: ApiRequest) -> None:
        username, secret, code = request.credentials()
        if not username or not secret or not code:
            raise Unauthorized(
                "Authentication failed: the UserName, Secret and ApiIntegrationCode headers are required."
            )
        if self.credentials is None:
            return
        if (username, secret) != (self.credentials.username, self.credentials.secret):
            raise Unauthorized("Authentication failed: the user name or secret is not valid.")
        if code != self.credentials.integration_code:
            raise BusinessError("IntegrationCode is invalid.")

    def _as_api_user(self, request: ApiRequest, route: Route) -> ApiResponse:
        """Read Resources with the tenant's API-user Resource carrying the caller's UserName as its email
        and userName.

        In Autotask the API user is a Resource, and clients find themselves by querying Resources for
        ``email eq <UserName>`` (autotask-client does on start). The fake takes any user name, so the
        API user's record follows whoever reads Resources; a change retires kept answers like any write,
        and a read that fails leaves the record as it was.
        """
        username = request.credentials()[0]
        table = self.store.table("Resources")
        record = table.get(self.profile.api_resource_id)
        if not username or record is None or (record.get("email"), record.get("userName")) == (username,) * 2:
            return self._answer(route, True, request)
        table.put(self.profile.api_resource_id, {**record, "email": username, "userName": username})
        try:
            response = self._answer(route, True, request)
        except Exception:  # whatever failed, the record is as it was
            table.put(self.profile.api_resource_id, record)
            raise
        if response.status != 200:
            table.put(self.profile.api_resource_id, record)
        return response

    def write_context(
        self, request: ApiRequest, parent_field: str | None = None, parent_id: int | None = None
    ) -> WriteContext:
        raw = request.header("ImpersonationResourceId")
        impersonator = None
        if raw:
            if not raw.strip().isdigit():
                raise BusinessError(f"ImpersonationResourceId '{raw}' is not a resource id.")
            impersonator = int(raw)
            if impersonator not in self.store.table("Resources"):
                raise BusinessError(f"Impersonation failed: no resource with id {impersonator} exists.")
        return WriteContext(self.clock(), impersonator, parent_field, parent_id)

    @property
    def writer(self) -> Writer:
        return self._writer

    def body(self, request: ApiRequest) -> Any:
        if not request.body:
            raise BusinessError("Value cannot be null.\r\nParameter name: restModelInput")
        return parse_json(request.body)


def _optional_mounts() -> list[Callable[..., AbstractContextManager[Any]]]:
    """The mounts of the HTTP stacks that are installed: a user of httpx alone needs neither of the others."""
    mounts: list[Callable[..., AbstractContextManager[Any]]] = []
    try:
        from .requests_mount import mounted as requests_mounted
    except ImportError:  # requests or responses is not installed
        pass
    else:
        mounts.append(requests_mounted)
    try:
        from .aiohttp_mount import mounted as aiohttp_mounted
    except ImportError:  # aiohttp or aioresponses is not installed
        pass
    else:
        mounts.append(aiohttp_mounted)
    return mounts

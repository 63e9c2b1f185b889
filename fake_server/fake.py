"""``FakeAutotask``: a ``Tenant`` behind the framework-free ``handle(request) -> response`` core.

The core routes a request, checks its credentials, reuses a kept answer while no record changed, hands the
rest to the route's handler with the tenant, and journals every outcome. The in-process adapters (``mock()``,
``transport()``) see only its ``answering.GatedFake`` face: gate, journal and ``handle``; the ASGI app
(``asgi_app``) an ``answering.ServableFake``, which adds what serving and the state API need.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .admission import Fault, Gate
from .auth import Credentials, authenticate
from .catalog import Catalog, EntityInfo
from .coercion import now_utc
from .errors import ApiError, BusinessError, MislabelledBody, NotFound, PayloadTooLarge
from .http_types import JSON_HEADERS, ApiRequest, ApiResponse, KeptAnswer
from .journal import Journal
from .jsonbody import PLAIN_JSON_TYPES, check_media_type, recorded
from .profile import Limits, TenantProfile
from .query_cache import PlanCache
from .route import Route
from .route_shapes import last_id, without_last_id
from .routing import api_segments, base_path_accepted, resolve, service_segments
from .service_endpoints import KeptServiceAnswers, authenticated
from .store import Store
from .tenant import Tenant
from .wire import BOM_FIRST, as_read

if TYPE_CHECKING:
    import httpx
    import respx

    from .asgi import AsgiApp
    from .webhooks import Outbox

log = logging.getLogger("fake_server")
# Resolved routes kept per (method, path); a client polling the same URLs skips routing. Emptied when full.
ROUTE_CACHE_SIZE = 4096
# Answers to reads kept per (method, URL, body) while no record changes: clients poll the same record or
# query, and its answer is then sent without being made again. Emptied when full; large pages, and answers
# to large query bodies, are not kept.
ANSWER_CACHE_SIZE = 1024
ANSWER_MAX_BYTES = 16 * 1024
UNEXPECTED = "An unexpected error has occurred."


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
        resolved = profile if isinstance(profile, TenantProfile) else TenantProfile.load(profile)
        self.tenant = Tenant(resolved, entity_dirs=entity_dirs, clock=clock)
        self.credentials = credentials
        self.journal = Journal()
        self.tenant.webhooks.outbox.journal = self.journal  # callouts are journalled, marked outbound
        self.gate = Gate(limits if limits is not None else resolved.limits)
        self._routes: dict[tuple[str, str], tuple[Route, bool]] = {}  # with whether it only reads
        # The same for a record's path by everything but its id: a GET of a record not asked for before
        # (/Tickets/{id}, /Tickets/{id}/Notes/{id}) is routed by putting its id into the route of another.
        self._shapes: dict[tuple[str, str], tuple[Route, bool]] = {}
        self._answers: dict[tuple[str, str, bytes], tuple[int, ApiResponse]] = {}
        self._service_answers = KeptServiceAnswers()  # the zone lookup and versions, which need no credentials
        # What reset() comes back to beyond the profile's reference records: the seed (load_baseline).
        self.baseline: dict[str, list[dict[str, Any]]] | None = None

    # -- the tenant, as the fake's users reach it ----------------------------------------------------

    @property
    def profile(self) -> TenantProfile:
        return self.tenant.profile

    @property
    def catalog(self) -> Catalog:
        return self.tenant.catalog

    @property
    def store(self) -> Store:
        return self.tenant.store

    @property
    def plans(self) -> PlanCache:
        return self.tenant.plans

    @property
    def webhooks(self) -> Outbox:
        """The tenant's webhook outbox: ``drain()`` delivers due callouts, ``advance(seconds)`` moves its clock
        (retries, deactivation), ``attempts`` lists what was sent, ``mount(prefix, app)`` serves a receiver
        in-process (see ``fake_server.webhooks``)."""
        return self.tenant.webhooks.outbox

    def reset(self) -> None:
        """Back to the seeded baseline (``load_baseline``; as moto's reset does): the profile's reference
        records and the seed, an empty journal, no faults. Without a seed it is the same as ``empty()``."""
        self.empty()
        if self.baseline is not None:
            self.tenant.load_snapshot(self.baseline)

    def empty(self) -> None:
        """Back to a tenant without the seed: only the profile's reference records, an empty journal, no
        faults. The baseline is kept: ``reset()`` brings the seed back."""
        self.gate.reset()
        with self.tenant.lock:
            self.tenant.reset()
            self._answers.clear()
            self.journal.clear()

    def load_baseline(self, snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Seed a snapshot and remember it as the baseline ``reset()`` returns to (``serve --seed``)."""
        counts = self.load_snapshot(snapshot)
        self.baseline = snapshot
        return counts

    def seed(self, entity: str, record: dict[str, Any]) -> int:
        """Put a record straight into the tenant (no HTTP, no business validation); returns its id."""
        return self.tenant.seed(entity, record)

    def get(self, entity: str, record_id: int) -> dict[str, Any] | None:
        """The record as ``GET /{entity}/{id}`` would return it, or ``None``."""
        return self.tenant.get(entity, record_id)

    def records(self, entity: str) -> list[dict[str, Any]]:
        """Every stored record of an entity, in id order, in the API's item shape."""
        return self.tenant.records(entity)

    def load_snapshot(self, snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """Seed a tenant snapshot (entity name -> records); returns how many records each entity got."""
        return self.tenant.load_snapshot(snapshot)

    def restore_snapshot(self, snapshot: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
        """The tenant holds exactly this snapshot's records (``serve --state`` reading its file back)."""
        with self.tenant.lock:
            self._answers.clear()
            return self.tenant.restore(snapshot)

    def export_snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every stored entity record in ``load_snapshot``'s format, so a recording can say what it started
        from."""
        return self.tenant.export_snapshot()

    def snapshot(self) -> dict[str, dict[int, dict[str, Any]]]:
        """Every stored value, for comparing the state before and after something."""
        return self.tenant.snapshot()

    def udf_types(self, entity: EntityInfo) -> dict[str, str]:
        """The tenant's UDFs on an entity with their value types."""
        return self.tenant.udf_types(entity)

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

    # -- adapters --------------------------------------------------------------

    @contextmanager
    def mock(self, *, allow: Sequence[str] = (), assert_all_mocked: bool = True) -> Iterator[respx.MockRouter]:
        """Route every request to an Autotask zone host to this fake, from httpx (sync and async, through
        respx), ``requests`` (through responses) and ``aiohttp`` (through aioresponses) alike.

        A request to any other host fails with the stack's connection error naming it, unless its URL
        starts with one of ``allow`` (``assert_all_mocked=False`` lets every other httpx request through,
        as respx's own switch does). Yields the respx router.
        """
        # imported here, not at the top: the stacks' libraries would cost every ``import fake_server``
        from .aiohttp_mount import mounted as aiohttp_mounted
        from .requests_mount import mounted as requests_mounted
        from .respx_mount import mounted

        with ExitStack() as stack:
            router = stack.enter_context(mounted(self, allow=allow, assert_all_mocked=assert_all_mocked))
            stack.enter_context(requests_mounted(self, allow=allow))
            stack.enter_context(aiohttp_mounted(self, allow=allow))
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
        unread = None
        raw = request.raw_headers
        # Undo what the wire put on a body (gzip, UTF-16) before anything reads it. A served body with no
        # coding, the usual Content-Type and no byte-order mark needs nothing: seen here without a call.
        if request.body and (
            raw is None
            or b"content-encoding" in raw
            or raw.get(b"content-type", b"application/json") not in PLAIN_JSON_TYPES
            or request.body[0] in BOM_FIRST
        ):
            try:
                request = as_read(request, self.profile.max_body_bytes)
            except ApiError as error:
                unread = error  # answered once the request has a route: Web API routes before it reads
        response = self._run_guarded(request, override, unread)
        try:
            # Most bodies hold no \u escape at all; only those can need re-reading before they are kept. A byte
            # is looked for first: finding an int in bytes costs a tenth of finding a two-byte string.
            body = request.body
            journalled = recorded(request) if 0x5C in body and b"\\u" in body else request
            self.journal.record(journalled, response, started, time.time() - started)
        except Exception:  # a journal that cannot be written (a stream) must not cost the client its answer
            log.exception("fake_server could not journal %s %s", request.method, request.path)
        return response

    def _run_guarded(self, request: ApiRequest, override: ApiResponse | None, unread: ApiError | None) -> ApiResponse:
        """Route and run the request under the tenant's lock; any error becomes an answer in the API's envelope,
        and the answer is serialised here so that one that cannot be sent is caught too."""
        try:
            if override is not None:
                response = override
            else:
                with self.tenant.lock:
                    response = self._route_and_run(request, unread)
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

    def _route_and_run(self, request: ApiRequest, unread: ApiError | None = None) -> ApiResponse:
        """The body limit, the route (kept per method and path, or by a record's shape), the credentials and the
        media type; then the route's handler."""
        if len(request.body) > self.profile.max_body_bytes:
            raise PayloadTooLarge.for_request(request, self.profile.max_body_bytes)
        key = (request.method, request.path)
        known = self._routes.get(key)
        if known is None:
            known = self._route_by_shape(request)
            if known is None:
                found = self._route(request)
                if isinstance(found, ApiResponse):
                    return found
                known = (found, request.method.upper() in found.endpoint.reads)
                if found.endpoint.by_last_id and last_id(request.path) == found.record_id:
                    self._shapes[without_last_id(request)] = known
            if len(self._routes) >= ROUTE_CACHE_SIZE:
                self._routes.clear()
                self._shapes.clear()
            self._routes[key] = known
        else:  # routing depends only on method, path, catalog and profile: all fixed; credentials do not
            self._authenticate(request)
        route, read = known
        if unread is not None and (route.child is not None or not isinstance(unread, MislabelledBody)):
            raise unread  # top-level routes read a mislabelled body as it came (WYRE-AI/autotask-mcp PR #32)
        check_media_type(request)
        if route.entity.name == "Resources" and read:
            return self._as_api_user(request, route)
        return self._run_or_reuse(route, read, request)

    def _run_or_reuse(self, route: Route, read: bool, request: ApiRequest) -> ApiResponse:
        """Run the route's handler, or for a read send the answer kept since no record changed."""
        if not read:
            return route.endpoint.handle(self.tenant, route, request)
        answer_key = (request.method, request.url, request.body)
        kept_answer = self._answers.get(answer_key)
        if kept_answer is not None and kept_answer[0] == self.store.version:
            return kept_answer[1]
        return self._run_and_keep(route, request, answer_key)

    def _run_and_keep(self, route: Route, request: ApiRequest, answer_key: tuple[str, str, bytes]) -> ApiResponse:
        """Make a read's answer and keep it until a record changes. The kept copy holds only the bytes, so
        the requests that share it each parse their own ``body`` and never share a dict."""
        version = self.store.version
        response = route.endpoint.handle(self.tenant, route, request)
        content = response.content()
        if (
            response.headers is JSON_HEADERS
            and len(content) <= ANSWER_MAX_BYTES
            and len(request.body) <= ANSWER_MAX_BYTES
        ):
            if len(self._answers) >= ANSWER_CACHE_SIZE:
                self._answers.clear()
            self._answers[answer_key] = (version, KeptAnswer(response.status, content=content))
        return response

    def _route_by_shape(self, request: ApiRequest) -> tuple[Route, bool] | None:
        """The route of a record's path whose every segment but the id matched a route before; the request
        is authenticated as routing would have done (no service endpoint ends in a record id)."""
        if not self._shapes:
            return None
        record_id = last_id(request.path)
        if record_id is None:
            return None
        known = self._shapes.get(without_last_id(request))
        if known is None:
            return None
        self._authenticate(request)
        return known[0].with_record_id(record_id), known[1]

    def _route(self, request: ApiRequest) -> Route | ApiResponse:
        """The route for a request (authenticating it on the way), or the answer of a service endpoint."""
        kept = self._service_answers.kept(self.profile, self.credentials, request)
        if kept is not None:
            return kept
        service = service_segments(request.path)
        if service is None:
            raise NotFound.for_url(request.url)
        service_answer = self._service_answers.answer(self.profile, self.credentials, request, service)
        if service_answer is not None:
            return service_answer
        segments = api_segments(service)
        if segments is None or not base_path_accepted(request.path, self.profile):
            raise NotFound.for_url(request.url)
        self._authenticate(request)
        service_answer = authenticated(self.profile, self.gate.usage, segments, request.method)
        if service_answer is not None:
            return service_answer
        return resolve(segments, request.method, self.catalog, self.profile, request.url)

    def _authenticate(self, request: ApiRequest) -> None:
        authenticate(request, self.credentials)

    def _as_api_user(self, request: ApiRequest, route: Route) -> ApiResponse:
        """Read Resources as the caller, who finds itself by its UserName (see ``Tenant.read_as_api_user``)."""
        return self.tenant.read_as_api_user(
            request.credentials()[0], request, lambda: self._run_or_reuse(route, True, request)
        )

"""The fake as an ASGI application, for uvicorn or any ASGI server, so clients in any language reach it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .admission import LET_THROUGH
from .answering import Dropped, ServableFake, handle_admitted_async
from .http_types import JSON_CONTENT_TYPE, JSON_HEADERS, ApiRequest, ApiResponse
from .state_api import PREFIX, answer_state
from .tenancy import TenantsByCredentials

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class AsgiApp:
    """Serves one fake (a ``ServableFake``; ``FakeAutotask`` is one), or with ``tenants`` a fake per API user
    (``TenantsByCredentials``; then ``fake`` is its anonymous tenant). ``state_api`` adds the ``/_harness/``
    routes (``state_api.py``) for tests in other languages."""

    def __init__(
        self,
        fake: ServableFake,
        *,
        state_api: bool = False,
        tenants: TenantsByCredentials[Any] | None = None,
        views: Callable[[str, ApiRequest], ApiResponse | None] | None = None,
    ) -> None:
        self.fake = fake if tenants is None else tenants.anonymous
        self.tenants = tenants
        self.state_api = state_api
        # Pages under /_harness/ that the serving side adds (the harness's live view); asked first.
        self.views = views
        self._keep = fake.profile.max_body_bytes + 1  # enough of a body to see it is too large

    @classmethod
    def by_credentials(cls, tenants: TenantsByCredentials[Any], *, state_api: bool = False) -> AsgiApp:
        return cls(tenants.anonymous, state_api=state_api, tenants=tenants)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http":
            if kind == "lifespan":
                await answer_lifespan(receive, send)
            return
        message = await receive()
        if message.get("more_body", False) or message["type"] != "http.request":
            body = await read_rest(receive, message, self._keep)
        else:  # the usual case, read here rather than in a helper: the whole body in one message
            body = message.get("body", b"")[: self._keep]
        request = _to_api_request(scope, body)
        if self.state_api and scope["path"].startswith(PREFIX):
            action = scope["path"][len(PREFIX) :]
            shown = self.views(action, request) if self.views is not None else None
            answer = shown if shown is not None else answer_state(action, request, self.fake, self.tenants)
        else:
            # One tenant (the default): no lookup on the hot path.
            fake = self.fake if self.tenants is None else self.tenants.core_for(request)
            admission = fake.gate.admit(request)
            if admission is LET_THROUGH:  # nothing to wait for, count or inject: most requests
                answer = fake.handle(request)
            else:
                try:
                    answer = await handle_admitted_async(fake, request, admission)
                except Dropped:
                    # Start an answer and never finish it: the server closes the connection mid-response.
                    await send({"type": "http.response.start", "status": 200, "headers": []})
                    return
        start, content = _messages(answer, head=scope["method"] == "HEAD")
        await send(start)
        await send(content)


def _to_api_request(scope: Scope, body: bytes) -> ApiRequest:
    pairs = scope["headers"]
    by_name = dict(pairs)
    raw: dict[bytes, bytes] | None = None
    host: str | None
    headers: tuple[tuple[str, str], ...] = ()
    if len(by_name) == len(pairs) and b"".join(by_name).islower():  # servers lowercase; the spec says "should"
        raw = by_name
        host_bytes = raw.get(b"host")
        host = None if host_bytes is None else host_bytes.decode("latin-1")
    else:  # repeated or uppercase names: decoded now, and the first of each lowercased name wins
        headers = tuple([(name.decode("latin-1"), value.decode("latin-1")) for name, value in pairs])
        host = next((value for name, value in headers if name.lower() == "host"), None)
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    path = (scope.get("raw_path") or scope["path"].encode("utf-8")).decode("latin-1")
    query = scope.get("query_string", b"")
    url = f"{scope.get('scheme', 'http')}://{host}{path}"
    if query:
        url += "?" + query.decode("latin-1")
    # A path without ? or # (servers split those off) is the URL's path; anything odder is left to urlsplit.
    plain = path[:1] == "/" and "?" not in path and "#" not in path
    return ApiRequest(scope["method"], url, headers, body, raw_headers=raw, path=path if plain else None)


async def read_rest(receive: Receive, first: Message, keep: int) -> bytes:
    """The whole body is drained, but only ``keep`` bytes are held: enough to see it is too large."""
    if first["type"] == "http.disconnect":
        return b""
    chunks = [first.get("body", b"")[:keep]]
    held = len(chunks[0])
    more = first.get("more_body", False)
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        if held < keep:
            chunks.append(chunk[: keep - held])
            held += len(chunks[-1])
        more = message.get("more_body", False)
    return b"".join(chunks)


_JSON_HEADER = (b"content-type", JSON_CONTENT_TYPE.encode("latin-1"))


def _messages(answer: ApiResponse, *, head: bool = False) -> tuple[Message, Message]:
    """The ``http.response.start`` and ``http.response.body`` messages of an answer.

    A plain function the caller awaits ``send`` around: an extra coroutine per request costs more.
    """
    content = answer.content()
    if answer.headers is JSON_HEADERS:
        headers = [_JSON_HEADER]
    else:
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()]
    headers.append((b"content-length", b"%d" % len(content)))
    return (
        {"type": "http.response.start", "status": answer.status, "headers": headers},
        {"type": "http.response.body", "body": b"" if head else content},
    )


async def answer_lifespan(receive: Receive, send: Send) -> None:
    """Startup and shutdown, acknowledged: the app holds nothing to open or close."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


__all__ = ["AsgiApp"]

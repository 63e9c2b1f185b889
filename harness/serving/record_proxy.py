"""``autotask-harness record``: a local proxy that any client points at instead of its sandbox.

Each request is forwarded to the upstream as it came (credentials included: the sandbox needs them),
through the project's vcrpy configuration, so the cassette is written in the project's format with
secrets scrubbed. Answers that name the upstream (the zone lookup's ``url``, ``nextPageUrl`` and
``prevPageUrl`` of query pages) are rewritten to name the proxy, so the client keeps talking to it. Once
the zone lookup has named a zone host (webservicesN), API calls go there, as the client would have sent
them. Every exchange, as the client saw it, goes to the journal (credentials removed), and the contract
rules judge the traffic so far after each one.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from fake_server import ApiRequest, ApiResponse, Journal, read_body
from fake_server.face import Receive, Scope, Send, answer_lifespan, read_rest
from harness.rules import UNJUDGEABLE, Violation, check
from harness.scrub import credentials_in_environment, redact
from harness.traffic import load_traffic

# Headers that belong to one connection, not to the request (RFC 9110 §7.6.1), and those httpx sets itself.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host"}
)
# The answer's body is handed over decoded, so its length and encoding are the proxy's to set.
ANSWER_DROPPED = HOP_BY_HOP | {"content-length", "content-encoding"}
MAX_BODY = 8 * 1024 * 1024


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class RecordingProxy:
    """An ASGI app that forwards to ``upstream`` and reports each exchange to ``on_exchange``."""

    def __init__(
        self,
        upstream: str,
        http: httpx.Client,
        journal: Journal,
        on_violation: Callable[[Violation], None] | None = None,
        packs: tuple[str, ...] = ("contract",),
    ) -> None:
        self.upstream = _origin(upstream)
        self.zone = self.upstream  # where API calls go once a zone lookup has named a host
        self.http = http
        self.journal = journal
        self.on_violation = on_violation
        self.packs = packs
        self.proxy_root = ""  # set from the first request's Host header
        self._reported: set[tuple[str, tuple[int, ...]]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await answer_lifespan(receive, send)
            return
        body = await read_rest(receive, await receive(), MAX_BODY)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        host = next((v for k, v in headers if k.lower() == "host"), "127.0.0.1")
        self.proxy_root = f"{scope.get('scheme', 'http')}://{host}"
        path = (scope.get("raw_path") or scope["path"].encode()).decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        target = self.upstream if "zoneinformation" in path.lower() else self.zone
        url = target + path + (f"?{query}" if query else "")
        sent = [(k, v) for k, v in headers if k.lower() not in HOP_BY_HOP]
        started = time.time()
        kept: list[tuple[str, str]] = []
        try:
            status, content, kept = await asyncio.to_thread(self._forward, scope["method"], url, sent, body)
        except httpx.HTTPError as error:
            status, content = 502, json.dumps({"errors": [f"upstream: {error}"]}).encode()
        if "zoneinformation" in path.lower() and status == 200:
            self._follow_zone(content)
        content = self._rewrite(content)
        seen_url = self.proxy_root + path + (f"?{query}" if query else "")
        self.journal.record(
            read_body(ApiRequest(scope["method"], seen_url, tuple(headers), body)),  # gzip kept decoded
            ApiResponse(status, content=content),
            started,
            time.time() - started,
        )
        self._judge()
        out = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in kept]
        out.append((b"content-length", b"%d" % len(content)))
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send({"type": "http.response.body", "body": content})

    def _forward(
        self, method: str, url: str, headers: list[tuple[str, str]], body: bytes
    ) -> tuple[int, bytes, list[tuple[str, str]]]:
        answer = self.http.request(method, url, headers=headers, content=body or None)
        kept = [(k, v) for k, v in answer.headers.multi_items() if k.lower() not in ANSWER_DROPPED]
        return answer.status_code, answer.content, kept

    def _follow_zone(self, content: bytes) -> None:
        try:
            zone_url = json.loads(content).get("url")
        except (ValueError, AttributeError):
            return
        if isinstance(zone_url, str) and zone_url.startswith(("http://", "https://")):
            self.zone = _origin(zone_url)

    def _rewrite(self, content: bytes) -> bytes:
        """Every URL of the upstream or its zone host, in the answer, names the proxy instead."""
        for origin in {self.upstream, self.zone}:
            for written in (origin, origin.replace("/", "\\/")):
                content = content.replace(written.encode(), self.proxy_root.encode())
        return content

    def _judge(self) -> None:
        """Report the findings not yet reported. The rules never raise (``Rule.run``); should anything else
        here, the proxy still answers and journals every request, and says what it could not judge."""
        if self.on_violation is None:
            return
        try:
            found = check(load_traffic(self.journal), self.packs)
        except Exception as error:  # judging must never stop the recording
            why = f"{type(error).__name__}: {str(error)[:200]}"
            found = [Violation(UNJUDGEABLE, f"unjudgeable: the traffic so far ({why})", (), {}, why)]
        for violation in found:
            key = (violation.rule, violation.exchanges)
            if key not in self._reported:
                self._reported.add(key)
                self.on_violation(violation)


def describe(violation: Violation) -> str:
    """One line per finding, as ``record`` prints it while the client runs."""
    where = ", ".join(f"#{n}" for n in violation.exchanges)
    return f"[{violation.rule}] {redact(violation.message, credentials_in_environment())} (exchange {where})"


__all__ = ["RecordingProxy", "describe"]

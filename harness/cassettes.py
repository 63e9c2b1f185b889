"""vcrpy cassettes for Autotask traffic: one shared configuration, readable JSON, provenance, scrubbing.

``autotask_vcr()`` returns a ``vcr.VCR`` that users and the project share;
``recording(path, provenance)`` wraps ``use_cassette`` and stamps where the
cassette came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import vcr
from vcr.request import Request

from fake_server import ApiRequest, Exchange, read_body

from .scrub import Scrubber

SERIALIZER = "autotask-json"


def harness_version() -> str:
    try:
        return version("autotask-contract-harness")
    except PackageNotFoundError:  # pragma: no cover - only when run from an uninstalled checkout
        return "unknown"


@dataclass(frozen=True)
class Provenance:
    """Where a cassette came from: ``sandbox`` (with its zone), ``fake`` (with its profile) or ``documented``."""

    kind: str
    description: str = ""
    zone: str | None = None
    profile: str | None = None
    recorded_at: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    harness_version: str = field(default_factory=harness_version)
    seed: dict[str, list[dict[str, Any]]] | None = None  # the tenant state the recording started from

    def __post_init__(self) -> None:
        if self.kind not in ("sandbox", "fake", "documented"):
            raise ValueError(f"a cassette comes from a sandbox, the fake or documented results, not {self.kind!r}")


# -- serializer: JSON, with bodies stored as data when they are JSON ---------------------------------


def _body_out(body: Any) -> Any:
    text = body.get("string") if isinstance(body, dict) else body
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if isinstance(text, str) and text:
        try:
            return {"json": json.loads(text)}
        except ValueError:
            return {"string": text}
    return {"string": text or ""}


def _body_in(body: Any, *, response: bool) -> Any:
    if isinstance(body, dict) and "json" in body:
        text = json.dumps(body["json"], ensure_ascii=False, separators=(",", ":"))
        return {"string": text} if response else text
    if isinstance(body, dict):
        return body if response else body.get("string")
    return {"string": body} if response else body


class ReadableJson:
    """vcrpy serializer: indented JSON, bodies as parsed JSON so diffs and reviews read naturally."""

    @staticmethod
    def serialize(cassette: dict[str, Any]) -> str:
        for interaction in cassette["interactions"]:
            interaction["request"]["body"] = _body_out(interaction["request"]["body"])
            interaction["response"]["body"] = _body_out(interaction["response"]["body"])
        return json.dumps(cassette, indent=2, ensure_ascii=False) + "\n"

    @staticmethod
    def deserialize(text: str) -> dict[str, Any]:
        cassette: dict[str, Any] = json.loads(text)
        for interaction in cassette["interactions"]:
            interaction["request"]["body"] = _body_in(interaction["request"]["body"], response=False)
            interaction["response"]["body"] = _body_in(interaction["response"]["body"], response=True)
        return cassette


# -- matchers: the API's notion of "the same request" ------------------------------------------------


def autotask_path(r1: Request, r2: Request) -> None:
    """Paths match exactly, case included (the default tenant's base path is case-sensitive)."""
    if urlsplit(r1.uri).path != urlsplit(r2.uri).path:
        raise AssertionError(f"path {urlsplit(r1.uri).path!r} != {urlsplit(r2.uri).path!r}")


def json_body(r1: Request, r2: Request) -> None:
    """Bodies match as data: key order and whitespace do not matter."""
    first, second = _parsed(r1.body), _parsed(r2.body)
    if first != second:
        raise AssertionError(f"body {first!r} != {second!r}")


def _parsed(body: Any) -> Any:
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, TypeError):
        return body


# -- the configuration -------------------------------------------------------------------------------


def autotask_vcr(
    *,
    record_mode: str = "none",
    cassette_dir: str | Path | None = None,
    scrubber: Scrubber | None = None,
    **overrides: Any,
) -> vcr.VCR:
    """The shared configuration: scrubbed, readable, matched as the API matches, ``none`` by default."""
    scrub = scrubber or Scrubber()

    def before_request(request: Request) -> Request:
        own = scrub.for_caller(dict(request.headers))  # the caller's own credentials, wherever repeated
        request.headers = own.headers(dict(request.headers))
        request.uri = own.url(request.uri)
        if request.body:
            body = request.body if isinstance(request.body, bytes) else request.body.encode("utf-8")
            # A gzipped or UTF-16 body is kept as the JSON it carries, so it is scrubbed and matched as one.
            read = read_body(ApiRequest(request.method, request.uri, tuple(request.headers.items()), body))
            request.body = own.text(read.body.decode("utf-8", errors="replace")).encode("utf-8")
            if read.decoded:  # the label no longer describes the body kept; a label that lied stays, to be judged
                request.headers = {k: v for k, v in request.headers.items() if k.lower() != "content-encoding"}
        return request

    def before_response(response: dict[str, Any]) -> dict[str, Any]:
        response["headers"] = scrub.headers(response.get("headers", {}))
        body = response.get("body", {}).get("string")
        if body:
            text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
            response["body"]["string"] = scrub.text(text).encode("utf-8")
        return response

    options: dict[str, Any] = {
        "record_mode": record_mode,
        "serializer": SERIALIZER,
        "match_on": ("method", "autotask_path", "query", "json_body"),
        "before_record_request": before_request,
        "before_record_response": before_response,
        "decode_compressed_response": True,
        "cassette_library_dir": str(cassette_dir) if cassette_dir else None,
    }
    options.update(overrides)
    configured = vcr.VCR(**options)
    configured.register_serializer(SERIALIZER, ReadableJson)
    configured.register_matcher("autotask_path", autotask_path)
    configured.register_matcher("json_body", json_body)
    return configured


@contextmanager
def recording(path: str | Path, provenance: Provenance, configured: vcr.VCR | None = None) -> Iterator[Any]:
    """``use_cassette`` that stamps the cassette's provenance (kept if the cassette already has one)."""
    with (configured or autotask_vcr(record_mode="once")).use_cassette(str(path)) as cassette:
        cassette.get_metadata("provenance", asdict(provenance))
        yield cassette


def read_cassette(path: str | Path) -> dict[str, Any]:
    """The cassette as stored: ``interactions`` (bodies decoded) and ``metadata``."""
    return ReadableJson.deserialize(Path(path).read_text(encoding="utf-8"))


def is_cassette(path: str | Path) -> bool:
    if Path(path).suffix != ".json":
        return False
    try:
        return "interactions" in json.loads(Path(path).read_text(encoding="utf-8"))
    except ValueError:
        return False


def cassette_traffic(path: str | Path) -> list[Exchange]:
    """A cassette's interactions as exchanges, numbered from 1; bodies are parsed when first read."""
    found: list[Exchange] = []
    for position, interaction in enumerate(read_cassette(path)["interactions"], 1):
        request, response = interaction["request"], interaction["response"]
        headers = {k: v[0] if isinstance(v, list) else v for k, v in request.get("headers", {}).items()}
        found.append(
            Exchange(
                method=str(request["method"]).upper(),
                url=request["uri"],
                request_headers={str(k): str(v) for k, v in headers.items()},
                request_body=_bytes(request.get("body")),
                status=int(response["status"]["code"]),
                response_body=_bytes(response["body"].get("string")),
                position=position,
                outbound=_is_callout(request.get("body")),
            )
        )
    return found


def _is_callout(body: Any) -> bool:
    """Whether a recorded request is a webhook callout the fake sent rather than the client's: a cassette keeps
    no direction, but a callout's body is a JSON object that opens with ``Action`` and ``Guid``
    (``fake_server.webhook_wire``), which no Autotask request body does."""
    parsed = _parsed(body) if body else None
    return isinstance(parsed, dict) and list(parsed)[:2] == ["Action", "Guid"]


def _bytes(body: str | bytes | None) -> bytes:
    if body is None:
        return b""
    return body if isinstance(body, bytes) else body.encode("utf-8", errors="backslashreplace")

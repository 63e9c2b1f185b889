"""vcrpy cassettes for Autotask traffic: one shared configuration, readable JSON, provenance, scrubbing.

``autotask_vcr()`` returns a ``vcr.VCR`` that users and the project share;
``recording(path, provenance)`` wraps ``use_cassette`` and stamps where the
cassette came from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import vcr
from vcr.request import Request

from fake_server import ApiRequest, Exchange, read_body
from fake_server.face import json_or_none, too_deep
from harness.scrub import Scrubber

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


# Bodies nested deeper than this are kept as text: json.dumps with indent recurses in Python, a few frames a
# level, and the API itself reads no more than 256 levels (fake_server.jsonbody).
STORED_DEPTH = 64


def _body_out(body: Any) -> Any:
    """A body as the cassette stores it: parsed, when it is strict JSON of modest depth (so the file stays
    strict JSON, which every reader takes); as text otherwise (``NaN``, ``1e999``, a deep or broken body)."""
    text = body.get("string") if isinstance(body, dict) else body
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if isinstance(text, str) and text:
        parsed = json_or_none(text)
        if parsed is not None and not too_deep(parsed, STORED_DEPTH):
            return {"json": parsed}
        return {"string": text}
    return {"string": text if isinstance(text, str) else ""}


def _body_in(body: Any, *, response: bool) -> Any:
    if isinstance(body, dict) and "json" in body:
        try:
            text = json.dumps(body["json"], ensure_ascii=False, separators=(",", ":"))
        except (ValueError, RecursionError):  # a hand-made body nested past what json.dumps writes
            text = ""
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
        """The cassette with bodies as vcrpy keeps them (text, written once from the stored JSON). A
        hand-made one of another shape is taken as it is (``ValueError`` only when it is no JSON object at
        all): see ``_shaped``."""
        cassette = _shaped(_parsed_document(text))
        for interaction in cassette["interactions"]:
            for side in ("request", "response"):
                part = interaction.get(side) if isinstance(interaction, dict) else None
                if isinstance(part, dict) and "body" in part:
                    part["body"] = _body_in(part["body"], response=side == "response")
        return cassette


def _parsed_document(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("the cassette is nested too deeply to read") from None


def _shaped(cassette: Any) -> dict[str, Any]:
    """A parsed cassette made safe to walk: ``interactions`` always a list, ``metadata`` (with its
    ``provenance``) an object; an interaction of another shape is left for its reader to call unjudgeable."""
    if not isinstance(cassette, dict):
        raise ValueError("a cassette is a JSON object with interactions")
    if not isinstance(cassette.get("interactions"), list):
        cassette["interactions"] = []
    metadata = cassette.get("metadata")
    cassette["metadata"] = metadata = metadata if isinstance(metadata, dict) else {}
    if "provenance" in metadata and not isinstance(metadata["provenance"], dict):
        metadata["provenance"] = {}
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
    except (ValueError, TypeError, RecursionError):
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


def cassette_document(path: str | Path) -> dict[str, Any] | None:
    """The file parsed, when it is a cassette (a ``.json`` file holding an object with ``interactions``),
    else None: what tells a cassette from a journal, and what its traffic is read from, parsed once."""
    if Path(path).suffix != ".json":
        return None
    try:
        document = _parsed_document(Path(path).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    return _shaped(document) if isinstance(document, dict) and "interactions" in document else None


def is_cassette(path: str | Path) -> bool:
    return cassette_document(path) is not None


def cassette_traffic(source: str | Path | dict[str, Any]) -> list[Exchange]:
    """A cassette's interactions as exchanges, numbered from 1, from its file or its ``cassette_document``.
    A body stored as JSON is kept as parsed (no text is made of it only to be parsed again); an interaction
    of another shape (no status code, headers that are a list) is an unjudgeable exchange."""
    if isinstance(source, dict):
        document = _shaped(source)
    else:
        document = _shaped(_parsed_document(Path(source).read_text(encoding="utf-8")))
    return [_exchange(interaction, position) for position, interaction in enumerate(document["interactions"], 1)]


def unreplayable(interaction: Any) -> str:
    """What keeps an interaction from being read as a request and its answer, or ``""``."""
    if not isinstance(interaction, dict):
        return "the interaction is no JSON object"
    request, response = interaction.get("request"), interaction.get("response")
    if not isinstance(request, dict) or not isinstance(response, dict):
        return "the interaction has no request or no response object"
    if not isinstance(request.get("method"), str) or not isinstance(request.get("uri"), str):
        return "the request has no method or uri text"
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else None
    if isinstance(code, bool) or not isinstance(code, int) or not 0 <= code <= 999:
        return "the response has no status code"
    if not isinstance(request.get("headers", {}), dict):
        return "the request headers are no object"
    # A request body is text as vcrpy keeps it, or as stored: {"json": ...} or {"string": ...}.
    if not isinstance(response.get("body", {}), dict) or not isinstance(
        request.get("body", ""), str | bytes | dict | None
    ):
        return "a body is of no type a cassette holds"
    return ""


def _exchange(interaction: Any, position: int) -> Exchange:
    why = unreplayable(interaction)
    if why:
        return Exchange.unreadable(f"interaction {position}: {why}", position)
    request, response = interaction["request"], interaction["response"]
    headers = {k: v[0] if isinstance(v, list) and v else v for k, v in request.get("headers", {}).items()}
    entry: dict[str, Any] = {
        "method": request["method"],
        "url": request["uri"],
        "request_headers": {str(k): str(v) for k, v in headers.items()},
        "status": response["status"]["code"],
        **_stored("request", request.get("body")),
        **_stored("response", response.get("body", {})),
    }
    if "request_body" in entry:  # stored as text: parsed once, for the callout test and for every reader
        parsed = json_or_none(entry["request_body"])
        if parsed is not None:
            entry["request_json"] = parsed
    entry["outbound"] = _is_callout(entry.get("request_json"))
    exchange = Exchange.from_dict(entry, position)
    return (
        replace(exchange, unjudgeable=f"interaction {position}: {exchange.unjudgeable}")
        if exchange.unjudgeable
        else exchange
    )


def _stored(side: str, body: Any) -> dict[str, Any]:
    """A stored body as ``Exchange.from_dict`` takes it: parsed JSON as it is, text as the text sent."""
    if isinstance(body, dict) and "json" in body:
        return {f"{side}_json": body["json"]}
    text = body.get("string") if isinstance(body, dict) else body
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    return {f"{side}_body": text} if isinstance(text, str) and text else {}


def _is_callout(parsed: Any) -> bool:
    """Whether a recorded request is a webhook callout the fake sent rather than the client's: a cassette keeps
    no direction, but a callout's body is a JSON object that opens with ``Action`` and ``Guid``
    (``fake_server.webhook_wire``), which no Autotask request body does."""
    return isinstance(parsed, dict) and list(parsed)[:2] == ["Action", "Guid"]

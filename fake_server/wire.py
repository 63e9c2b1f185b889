"""A request body as production's IIS / ASP.NET Web API stack takes it off the wire: content codings undone,
then its characters read, so that everything after (size limit, JSON reader, journal) sees UTF-8 JSON.

**Content codings** (``Content-Encoding``), undone last-applied first:

- ``gzip`` (and ``x-gzip``) and ``deflate`` are decoded. The TypeScript SDK ``autotask-node`` gzips every
  request body from 2.2 on, and the MCP servers built on it run against production with it [CLIENT:
  wyre-technology/autotask-node ``src/client/AutotaskClient.ts`` ``transformRequest``, the fix of its
  issue #151]. ``deflate`` is read zlib-wrapped (RFC 9110) or raw, as .NET's ``DeflateStream`` reads it
  [INFERRED: no client sends it].
- A body labelled ``gzip`` whose bytes are not gzip (autotask-node 2.1 sent plain JSON under the label) is
  refused with a 500 on child endpoints (``POST /Tickets/{id}/Notes``, ``POST /Quotes/{id}/Items``) and read
  as it came on top-level ones [LIVE: WYRE-AI/autotask-mcp PR #32, a user's report from production]. The
  body of that 500 is not reported; the fake answers Web API's own unhandled-error body, ``{"Message": "An
  error has occurred."}`` [INFERRED], as it does for gzip bytes that end early or fail their checksum.
- ``br``, ``zstd``, ``compress`` and any other coding are not undone: the API runs on ASP.NET Web API over
  .NET Framework (its 404 and 405 bodies are Web API's), which has no Brotli or Zstandard decoder, so their
  bytes reach the JSON reader as they came, and fail there [INFERRED].
- Decoding stops at the profile's body limit plus one byte, so a small body that inflates to gigabytes is the
  API's 413, never the fake's memory [a limit of the fake: production's own ceiling is not known].

**Character encodings.** Web API's JSON formatter reads UTF-8 and UTF-16 (little-endian). It picks the one
whose name equals the ``charset`` parameter of ``Content-Type`` (case-insensitively) and falls back to UTF-8
for any other charset, or none (aspnetwebstack, ``MediaTypeFormatter.SelectCharacterEncoding``); its
``StreamReader`` then lets a byte-order mark at the start override that choice (UTF-8, UTF-16 LE/BE, UTF-32
LE/BE) [INFERRED from Web API's and .NET's code]. So ``charset=utf-16`` is honoured, ``charset=iso-8859-1``
is read as UTF-8 (and its accented bytes then fail as invalid UTF-8), and a UTF-8 BOM is skipped.

The body is rewritten as UTF-8 only when one of these applied; ``ApiRequest.decoded`` then says what was
undone (``"gzip"``, ``"utf-16"``, ``"gzip, utf-8-sig"``), and the journal keeps it beside the decoded body.
"""

from __future__ import annotations

import zlib

from .errors import ApiError, BusinessError, MislabelledBody, ServerError
from .http_types import ApiRequest

_GZIP_MAGIC = b"\x1f\x8b"
_GZIP_NAMES = frozenset({"gzip", "x-gzip"})
# First bytes of a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 BE); a JSON body starts with none of them.
BOM_FIRST = frozenset({0xEF, 0xFF, 0xFE, 0x00})
# StreamReader's detection, longest mark first (UTF-32 LE begins with UTF-16 LE's mark): the mark, the codec
# that reads what follows it (None: UTF-8 already), and the name the request's ``decoded`` note gives it.
_BOMS: tuple[tuple[bytes, str | None, str], ...] = (
    (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32"),
    (b"\xef\xbb\xbf", None, "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le", "utf-16"),
    (b"\xfe\xff", "utf-16-be", "utf-16"),
)


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    """Decompress to at most ``limit + 1`` bytes (enough to see the body is too large); bad data raises."""
    engine = zlib.decompressobj(wbits)
    out = engine.decompress(data, limit + 1)
    if len(out) <= limit and not engine.eof:
        raise zlib.error("the compressed data ends early")
    return out


def _undo(coding: str, body: bytes, limit: int) -> bytes | None:
    """The body with one coding undone, or ``None`` when the API would read it as it came."""
    if coding in _GZIP_NAMES:
        if not body.startswith(_GZIP_MAGIC):
            raise MislabelledBody.unhandled()
        try:
            return _inflate(body, 16 + zlib.MAX_WBITS, limit)
        except zlib.error:
            raise ServerError.unhandled() from None
    if coding == "deflate":
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # zlib-wrapped as HTTP says, else raw as .NET writes
            try:
                return _inflate(body, wbits, limit)
            except zlib.error:
                continue
        raise ServerError.unhandled()
    return None  # identity, br, zstd, anything unknown: no decoder on the server's side


def _charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type value, lowercased and unquoted, or ``None``."""
    if not content_type or ";" not in content_type:
        return None
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower() or None
    return None


def _transcode(body: bytes, charset: str | None) -> tuple[bytes, str] | None:
    """The body as UTF-8 and what was read, when it was not UTF-8 without a mark; else ``None``."""
    if body and body[0] in BOM_FIRST:
        for mark, codec, name in _BOMS:
            if body.startswith(mark):
                rest = body[len(mark) :]
                return (rest if codec is None else _recode(rest, codec, name)), name
    if charset == "utf-16":  # UnicodeEncoding's name; it reads little-endian without a mark
        return _recode(body, "utf-16-le", "utf-16"), "utf-16"
    return None  # utf-8, or a charset the formatter does not know: read as UTF-8


def _recode(body: bytes, codec: str, name: str) -> bytes:
    # The formatter's encodings are built to throw on invalid bytes, as the UTF-8 reader does (jsonbody).
    try:
        return body.decode(codec).encode("utf-8")
    except UnicodeDecodeError:
        raise BusinessError(f"The request body is not valid {name.upper()}.") from None


def as_read(request: ApiRequest, limit: int) -> ApiRequest:
    """The request with its body as the API reads it; the same object when nothing on the wire needs undoing.
    Raises the API's error for a body it refuses; the core answers it once the request has a route
    (``MislabelledBody`` on child routes only). The core calls it only for a body that may need it (its
    check, in ``FakeAutotask.handle``, runs inline: most bodies need nothing)."""
    body = request.body
    codings = request.header("Content-Encoding")
    declared = request.header("Content-Type")
    undone: list[str] = []
    if codings and len(body) <= limit:  # a longer body is the 413 it already is, decoded or not
        for coding in reversed([c.strip().lower() for c in codings.split(",") if c.strip()]):
            decoded = _undo(coding, body, limit)
            if decoded is None:
                break
            body = decoded
            undone.append(coding)
    transcoded = _transcode(body, _charset(declared))
    if transcoded is not None:
        body = transcoded[0]
        undone.append(transcoded[1])
    if not undone:
        return request
    return request.with_body(body, ", ".join(undone))


def read_body(request: ApiRequest, limit: int = 64 * 1024 * 1024) -> ApiRequest:
    """``as_read`` for tools that keep traffic (the record proxy, cassettes): a body the API would refuse is
    kept as it came rather than raising, as what was sent is still worth keeping."""
    if not request.body:
        return request
    try:
        return as_read(request, limit)
    except ApiError:
        return request


__all__ = ["BOM_FIRST", "as_read", "read_body"]

"""Reading request JSON the way the API does: strict JSON first, then its single-quoted leniency.

Two things of the API's JSON reader (ASP.NET Web API's formatter over Newtonsoft's ``JsonTextReader``) are
copied here, as every reader of a body must agree on them or a record could be stored that cannot be read
back:

- **Lone surrogates become U+FFFD.** ``JsonTextReader.ReadStringIntoBuffer`` replaces each ``\\uD800``-
  ``\\uDFFF`` escape that is not half of a pair with the replacement character, in keys and values alike
  (JamesNK/Newtonsoft.Json, ``Src/Newtonsoft.Json/JsonTextReader.cs``); a valid pair stays one character.
  The fake stores what that reader would have read, so every later answer encodes as UTF-8. That
  Autotask reads bodies with Newtonsoft is INFERRED: it is Web API's default JSON formatter, and the
  405 and 404 bodies show Web API.
- **Numbers are finite.** Newtonsoft's reader takes the ``NaN``, ``Infinity`` and ``-Infinity`` literals only
  where it reads a double, and refuses them elsewhere ("Cannot read NaN value.", ``ParseNumberNaN``); no
  field of the API stores them (its integer fields refuse them, and SQL Server's float holds no NaN). A
  number beyond a double (``1e999``) fails ``double.TryParse`` on .NET Framework, which Web API 5 runs on,
  and the reader throws "Input string '1e999' is not a valid number." So the fake refuses both, in a body
  and in ``search=``, with the API's 500 and those texts, spelled as JSON spells them, never as Python
  does (``nan``, ``inf``) [INFERRED from JamesNK/Newtonsoft.Json ``JsonTextReader`` and .NET Framework's
  documented ``Double.TryParse``; no live answer is known]. So no NaN is ever stored, answered or
  journalled. A whole number beyond Int64 (``2**70``) is valid JSON: the field it is written to refuses it.
- **At most 256 levels of nesting.** Web API's JSON formatter sets the reader's ``MaxDepth`` to 256
  (aspnetwebstack, ``FormattingUtilities.DefaultMaxDepth``); deeper JSON is refused with the API's 500
  here (its real text is unknown: INFERRED).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

from .errors import BusinessError, UnsupportedMediaType
from .http_types import NOT_PARSED, ApiRequest
from .single_quoted import double_quoted

MAX_DEPTH = 256
# A JSON string escape, one at a time from the left so that ``\\\\`` (an escaped backslash) is never read as
# the start of ``\\u``: a high surrogate with the low one that may follow it, or a lone low surrogate.
_ESCAPE = re.compile(
    r"\\\\|\\u([dD][89abAB][0-9a-fA-F]{2})(\\u[dD][c-fC-F][0-9a-fA-F]{2})?"
    r"|\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_ESCAPE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
_RAW_SURROGATE = re.compile(r"[\ud800-\udfff]")  # escapes the regex reads: no lone surrogate in the source
# Media types Web API's JSON formatter reads (application/json, text/json); a body declared as anything
# else is a 415 from its parameter binding (check_media_type says why a body without one is still read).
JSON_MEDIA_TYPES = frozenset({"application/json", "text/json"})
BODY_VERBS = frozenset({"POST", "PUT", "PATCH"})
# The Content-Type values nearly every body carries, as served headers hold them: nothing to check or read.
PLAIN_JSON_TYPES = frozenset({b"application/json", b"application/json; charset=utf-8", b"text/json"})


def _escape(match: re.Match[str]) -> str:
    if match.group(2) is not None or match.group(0) == "\\\\":
        return match.group(0)  # a valid pair, or an escaped backslash
    return "\\ufffd"


def replace_lone_surrogates(text: str) -> str:
    """The JSON text with each lone surrogate escape written as ``\\ufffd``, as Newtonsoft reads it; raw
    surrogate characters (only a caller handing over ``str`` can have them) become U+FFFD too."""
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        text = _ESCAPE.sub(_escape, text)
    if not text.isascii() and _RAW_SURROGATE.search(text):
        text = _RAW_SURROGATE.sub("\ufffd", text)
    return text


def as_read(body: bytes) -> bytes:
    """A request body as the API's reader saw it: lone surrogate escapes as ``\\ufffd``. The journal keeps
    this, so that an exchange it holds always encodes as UTF-8; any other body comes back as it was."""
    if b"\\u" not in body or not _SURROGATE_ESCAPE_BYTES.search(body):
        return body
    try:
        return replace_lone_surrogates(body.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        return body


def recorded(request: ApiRequest) -> ApiRequest:
    """The request as the journal keeps it: its body ``as_read``, everything else as it came."""
    body = as_read(request.body) if request.body else request.body
    if body is request.body:
        return request
    copy = request.with_body(body, request.decoded)
    copy.parsed = request.parsed  # parse_json read the lone surrogates as as_read writes them: the same JSON
    return copy


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether containers nest more than ``limit`` levels; a loop, not recursion, whatever the depth."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class _NotANumber(ValueError):
    """A number literal Newtonsoft's reader refuses where the API reads it (see the module's docstring)."""


def _constant(literal: str) -> Any:
    raise _NotANumber(f"Cannot read {literal} value.")


def _double(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):
        shown = literal if len(literal) <= 40 else literal[:37] + "..."
        raise _NotANumber(f"Input string '{shown}' is not a valid number.")
    return number


_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_double)  # made once, not on every call


def _loads(text: str, what: str) -> Any:
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise _nested(what) from None
    except _NotANumber as refused:
        raise BusinessError(f"The {what} could not be parsed as JSON: {refused}") from None
    return _shallow(value, text.count("[") + text.count("{"), what)


def _shallow(value: Any, opened: int, what: str) -> Any:
    """``value``, or the API's error if its containers nest past ``MAX_DEPTH`` (walked only when the text
    ``opened`` that many brackets and braces)."""
    if opened > MAX_DEPTH and isinstance(value, dict | list) and too_deep(value):
        raise _nested(what)
    return value


def _nested(what: str) -> BusinessError:
    return BusinessError(f"The {what} is nested too deeply: JSON may nest at most {MAX_DEPTH} levels.")


def parse_json(raw: bytes | str, what: str = "request body") -> Any:
    """The parsed value; malformed input is the API's 500 error, never an exception of ours."""
    return _read(raw, what, None)


def request_json(request: ApiRequest, what: str = "request body") -> Any:
    """``parse_json`` of the request's body, parsed once: a value that is strict JSON is kept on the request
    (``ApiRequest.parsed``), where the journal's search for credentials finds it rather than parsing the
    bytes again. A single-quoted body is not kept there: a JSON reader of those bytes would not read it."""
    found = request.parsed
    return found if found is not NOT_PARSED else _read(request.body, what, request)


# Digits as 0 and every other byte as a space: a run of 19 digits is then found by a plain search, which costs
# a tenth of a regex trying ``[0-9]{19}`` at every digit of a body full of ids and dates.
_DIGIT_RUNS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_RUN = b"0" * 19


def read_plain(raw: bytes) -> Any:
    """The body as the standard library reads it (``_loads`` of its UTF-8 text), read by orjson, twice as
    fast on a write's body; ``NOT_PARSED`` for a body it may read otherwise, which takes the long way.

    orjson and the standard library agree on the JSON both accept, but for an integer past 64 bits, which
    orjson reads as a float: a body with a run of 19 digits takes the long way. So does anything orjson
    refuses, for the long way to read or to refuse in the API's words: a lone surrogate escape (which the
    long way reads as U+FFFD), invalid UTF-8, a byte-order mark, NaN, a number past a double, single quotes,
    nesting past 1,024 levels. A hypothesis test (tests/test_json_reading.py) holds the two readings equal,
    types and key order included.
    """
    if _LONG_RUN in raw.translate(_DIGIT_RUNS):
        return NOT_PARSED
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return NOT_PARSED


def _read(raw: bytes | str, what: str, request: ApiRequest | None) -> Any:
    """The parsed value, kept on ``request`` (if given) when it was read as strict JSON."""
    if isinstance(raw, bytes):
        value = read_plain(raw)
        if value is not NOT_PARSED:
            value = _shallow(value, raw.count(b"[") + raw.count(b"{"), what)
            if request is not None:
                request.parsed = value
            return value
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise BusinessError(f"The {what} is not valid UTF-8.") from None
    text = replace_lone_surrogates(text)
    try:
        value = _loads(text, what)
    except ValueError:
        pass
    else:
        if request is not None:
            request.parsed = value
        return value
    # A real GET query with single-quoted pseudo-JSON succeeded (a captured production query).
    if "'" in text:
        try:
            return _loads(double_quoted(text), what)
        except ValueError:
            pass
    raise BusinessError(f"The {what} could not be parsed as JSON.")


def check_media_type(request: ApiRequest) -> None:
    """Refuse a body declared as something Web API has no formatter for (text/plain, XML, a form): 415.

    Web API's parameter binding finds no formatter for such a body and answers 415 with its own text
    (aspnetwebstack, ``FormatterParameterBinding``); the swagger's every operation consumes only
    application/json, and its ``produces`` shows no XML formatter [INFERRED from Web API's code and the
    swagger]. Every client of the corpus declares ``application/json`` on every body it sends [CLIENT:
    tests/corpus, 12 clients].

    A body with no Content-Type at all is still read as JSON, a deliberate leniency: Web API would read
    it as application/octet-stream and refuse it too (``HttpContentExtensions.ReadAsAsync``), but
    in-process the aiohttp mount sees only the headers a caller passed, not the ``application/json``
    aiohttp adds for ``json=``, so refusing it would refuse aiohttp clients that work live.
    """
    if not request.body or request.method.upper() not in BODY_VERBS:
        return
    raw = request.raw_headers
    if raw is not None:  # served: the usual value is seen without decoding it (this runs on every write)
        value = raw.get(b"content-type")
        if value is None or value in PLAIN_JSON_TYPES:
            return
        declared: str | None = value.decode("latin-1")
    else:
        declared = request.header("Content-Type")
    if declared is None:
        return
    media_type = declared.split(";", 1)[0].strip()
    if media_type.lower() not in JSON_MEDIA_TYPES:
        raise UnsupportedMediaType.for_media_type(media_type or "application/octet-stream")

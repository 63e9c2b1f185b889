"""Keeping credentials out of what the fake keeps: headers, URLs, bodies and answers, with one search each.

Shared by the journal (every exchange it keeps), the 404 answer (which echoes the URI) and the harness's
cassette scrubber and reports, so that every writer agrees on what a credential is.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

from .http_types import NOT_PARSED
from .single_quoted import double_quoted

REDACTED = "REDACTED"
# Header names compared lowercased; values of these never reach the journal.
CREDENTIAL_HEADERS = frozenset(
    {"username", "secret", "apiintegrationcode", "authorization", "proxy-authorization", "cookie"}
)
# Words that make a JSON key, query parameter or header name secret-looking; the harness's scrubber shares them.
SECRET_WORDS = (
    "secret",
    "password",
    "passwd",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "integrationcode",
    "credential",
)
SECRET_KEY = re.compile("|".join(SECRET_WORDS), re.IGNORECASE)
# Names that carry the API user's name, in any casing: the UserName header, zone discovery's user=.
USER_NAMES = frozenset({"user", "username", "user_name", "user-name", "apiuser", "apiusername"})
# Header names that carry a credential beyond SECRET_WORDS: X-Auth-Token, X-Api-Secret, X-Session, cookies...
_HEADER_WORDS = (
    *SECRET_WORDS,
    "auth",
    "cookie",
    "session",
    "signature",
    "username",
    "user-name",
    "user_name",
    "apiuser",
    "api-user",
)
_SECRET_HEADER = re.compile("|".join(_HEADER_WORDS) + "|^(?:" + "|".join(USER_NAMES) + ")$", re.IGNORECASE)
# The same over the lowercased names of a raw header dict joined by newlines: one C call per request.
_SECRET_HEADER_BYTES = re.compile(_SECRET_HEADER.pattern.lower().encode(), re.MULTILINE)


def is_credential_name(name: str) -> bool:
    """Whether a JSON key or query parameter of this name carries a credential, in any casing."""
    lowered = name.lower()
    return lowered in USER_NAMES or lowered in CREDENTIAL_HEADERS or SECRET_KEY.search(lowered) is not None


_HEADER_VERDICTS: dict[str, bool] = {}
_NAME_SETS: dict[bytes, bool] = {}
_PLAIN_HEADERS = frozenset(
    name.encode()
    for name in (
        "host",
        "user-agent",
        "accept",
        "accept-encoding",
        "te",
        "accept-language",
        "connection",
        "content-type",
        "content-length",
        "cache-control",
    )
)


def is_credential_header(name: str) -> bool:
    """Whether a header of this name carries a credential: the API's three, Authorization, cookies, and any
    name with a secret-looking word in it (``X-Api-Secret``, ``X-Auth-Token``)."""
    verdict = _HEADER_VERDICTS.get(name)
    if verdict is None:
        verdict = _SECRET_HEADER.search(name) is not None
        if len(_HEADER_VERDICTS) < 4096:  # a client sending random header names must not grow it forever
            _HEADER_VERDICTS[name] = verdict
    return verdict


def scrub_headers(headers: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> dict[str, str]:
    """Headers without any credential, whatever the casing of their names."""
    return {name: value for name, value in headers if not is_credential_header(name)}


def scrub_raw_headers(raw: dict[bytes, bytes]) -> dict[bytes, bytes]:
    """Undecoded headers by lowercased name without any credential; C calls alone for most requests."""
    kept = dict(raw)
    kept.pop(b"username", None)
    kept.pop(b"secret", None)
    kept.pop(b"apiintegrationcode", None)
    if kept.keys() <= _PLAIN_HEADERS:  # what most clients send: one C call
        return kept
    names = b"\n".join(kept)
    verdict = _NAME_SETS.get(names)
    if verdict is None:  # a client sends the same header names on every request: one search per set
        verdict = _SECRET_HEADER_BYTES.search(names) is not None
        if len(_NAME_SETS) < 4096:
            _NAME_SETS[names] = verdict
    if verdict:
        kept = {name: value for name, value in kept.items() if not is_credential_header(name.decode("latin-1"))}
    return kept


_USERS, _WORDS = "|".join(sorted(USER_NAMES, key=len, reverse=True)), "|".join(SECRET_WORDS)
# A credential in a URL or a text is ``name=value``: the name a user name (``user``, ``UserName``...) or any
# name with a secret-looking word in it, in any casing, after the start, ``?``, ``&``, ``;``, a space, a quote,
# ``(`` or ``,``; its value running to the next ``&``, ``#`` or space. Or a path segment ``/name=value``, its
# value ending with the segment. One already redacted is left alone.
#
# Names hold none of ``=&#;/?`` or spaces, so every candidate name is a stretch of a "run" of such characters
# ending at an ``=``. A single regex trying each ``,`` or quote as a start rescans the run from each: quadratic
# (a 42 KB ``search=`` of ``,"`` held a served fake for seconds). Instead one regex finds, once per run, only
# runs with a secret word or user name in them, and the rules above are applied to that run in Python.
_RUN_CHAR = r"[^=&#;/?\s]"
_CANDIDATE_RUN = re.compile(
    rf"(?<!{_RUN_CHAR})(?={_RUN_CHAR}*+=){_RUN_CHAR}*?(?:{_USERS}|{_WORDS}){_RUN_CHAR}*+=", re.IGNORECASE
)
_IS_USER = re.compile(rf"(?:{_USERS})", re.IGNORECASE)
_HAS_WORD = re.compile(_WORDS, re.IGNORECASE)
_IN_RUN_START = re.compile(r"['\"(,]")
_RUN_STARTS = frozenset("?&;")  # besides the start of the text and whitespace
_QUERY_VALUE = re.compile(r"[^&#\s]*")
_SEGMENT_VALUE = re.compile(r"[^/?&#;\s]*")
_REDACTED_QUERY = re.compile(rf"{REDACTED}(?:[&#;:.,\s'\")]|$)", re.IGNORECASE)
_REDACTED_SEGMENT = re.compile(rf"{REDACTED}(?:[/?&#;:.,\s'\")]|$)", re.IGNORECASE)


def _is_name(name: str) -> bool:
    return _IS_USER.fullmatch(name) is not None or _HAS_WORD.search(name) is not None


def _value_end(text: str, run_start: int, equals: int) -> int | None:
    """Where the credential value after the ``=`` at ``equals`` ends, if the run ``text[run_start:equals]``
    names a credential under the rules above and its value is not redacted yet; None otherwise."""
    run = text[run_start:equals]
    before = text[run_start - 1] if run_start else ""
    if before == "/" and _is_name(run) and _REDACTED_SEGMENT.match(text, equals + 1) is None:
        return _SEGMENT_VALUE.match(text, equals + 1).end()  # type: ignore[union-attr]  # matches empty
    # The names after a start character: the whole run if what precedes it is one, and each part of it after
    # a quote, ``(`` or ``,``. The longest holds a secret word if any does; a user name has none of those
    # characters, so only the last part can be one.
    whole = not before or before in _RUN_STARTS or before.isspace()
    first = _IN_RUN_START.search(run)
    if not whole and first is None:
        return None
    longest = run if whole else run[first.end() :]  # type: ignore[union-attr]  # not None when not whole
    last = run[max(map(run.rfind, "'\"(,")) + 1 :]  # the whole run when it has none: then it is whole
    if _HAS_WORD.search(longest) is None and _IS_USER.fullmatch(last) is None:
        return None
    if _REDACTED_QUERY.match(text, equals + 1) is not None:
        return None
    return _QUERY_VALUE.match(text, equals + 1).end()  # type: ignore[union-attr]  # matches empty


def _scrub_credentials(text: str, *, find_only: bool = False) -> str | None:
    """The text with each credential value redacted (see above), in time linear in its length; with
    ``find_only``, None if there is none to redact and the text unchanged otherwise."""
    parts: list[str] = []
    done = position = 0
    while (found := _CANDIDATE_RUN.search(text, position)) is not None:
        equals = found.end() - 1
        end = _value_end(text, found.start(), equals)
        if end is None:
            position = found.end()
            continue
        if find_only:
            return text
        parts += (text[done : equals + 1], REDACTED)
        done = position = end
    if find_only:
        return None
    return text if not parts else "".join(parts) + text[done:]


# A JSON object's credential-named key in a text that is not JSON as a whole: a query's ``search=`` (a GET
# query carries its QueryModel there), a body cut short. A key's quote is one no backslash escapes, so a run of
# escaped quotes is not rescanned from each; ``+`` may stand for the space a form encoding made of it.
_JSON_KEY = re.compile(r'(?<!\\)"([^"\\]*+(?:\\.[^"\\]*+)*+)"[\s+]*:[\s+]*')
_JSON_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+"?')
_JSON_SCALAR = re.compile(r"[^\s,}\]]*")
_ANY_NAME = re.compile(rf"{_USERS}|{_WORDS}", re.IGNORECASE)
_DECODER = json.JSONDecoder()


def _json_key_name(quoted: str) -> str:
    if "\\" not in quoted:
        return quoted
    try:
        return str(json.loads(f'"{quoted}"'))
    except ValueError:
        return quoted


def _json_value_end(text: str, start: int) -> int:
    """Where the JSON value at ``start`` ends: a string even if unterminated, an object or array as the
    parser reads it (to the end of the text if it cannot), or a bare scalar."""
    first = text[start : start + 1]
    if first == '"':
        return _JSON_STRING.match(text, start).end()  # type: ignore[union-attr]  # a quote was seen
    if first in ("{", "["):
        try:
            return _DECODER.raw_decode(text, start)[1]
        except (ValueError, RecursionError):
            return len(text)  # its end is unknowable: the rest goes with it
    return _JSON_SCALAR.match(text, start).end()  # type: ignore[union-attr]  # matches empty


def _scrub_json_keys(text: str, *, find_only: bool = False) -> str | None:
    """The text with the value of each credential-named JSON key redacted (as ``scrub_body`` does to a whole
    JSON body); with ``find_only``, None when there is none and the text unchanged otherwise."""
    if '"' not in text or _ANY_NAME.search(text) is None:
        return None if find_only else text
    parts: list[str] = []
    done = position = 0
    while (found := _JSON_KEY.search(text, position)) is not None:
        position = found.end()
        if not _is_credential_key(_json_key_name(found.group(1))):
            continue
        end = _json_value_end(text, position)
        if text.startswith(f'"{REDACTED}"', position) and end == position + len(REDACTED) + 2:
            continue
        if find_only:
            return text
        parts += (text[done:position], f'"{REDACTED}"')
        done = position = max(end, position + 1)
    if find_only:
        return None
    return text if not parts else "".join(parts) + text[done:]


# Who the URL logs in as: ``https://user:password@host/``.
_USERINFO = re.compile(rf"^([a-z][a-z0-9+.-]*://)(?!{REDACTED}@)[^/?#@\s]*@", re.IGNORECASE)


def _scrub_plain(url: str) -> str:
    scrubbed = _scrub_credentials(url) if "=" in url else url
    scrubbed = _scrub_json_keys(scrubbed)  # type: ignore[arg-type]  # None only when finding
    assert scrubbed is not None
    return _USERINFO.sub(rf"\1{REDACTED}@", scrubbed) if "@" in scrubbed else scrubbed


def scrub_url(url: str) -> str:
    """The URL (or any text) with its credentials replaced by a placeholder: the values of ``user=``,
    ``UserName=`` and secret-looking parameters or path segments in any casing, and a ``user:password@``
    before the host. A credential hidden behind percent-encoding (``%3FSecret%3D...``, up to three layers)
    is found too: the URL is then given decoded, with it redacted."""
    if "=" not in url and "%" not in url and "@" not in url and '"' not in url:
        return url
    current = probe = _scrub_plain(url)
    for _ in range(3):
        if "%" not in probe:
            break
        probe = unquote(probe)
        if (
            _scrub_credentials(probe, find_only=True) is not None
            or _scrub_json_keys(probe, find_only=True) is not None
            or ("@" in probe and _USERINFO.search(probe) is not None)
        ):
            current = probe = _scrub_plain(probe)
    return current


# Matched against the lowered body before parsing it: a case-insensitive byte regex is six times slower on small
# bodies. Secret-looking words, quoted user-name keys, a form's ``user=``, and JSON escapes that could hide them.
# A form's first ``user=`` is matched apart: with a ``^`` among the alternatives the regex cannot skip ahead to
# their first characters, and tries every one at every byte (0.7 s for 4 MiB, against 10 ms).
_SECRET_BYTES = re.compile(
    "|".join(
        (
            *SECRET_WORDS,
            "authorization",
            "cookie",
            *(rf'"{name}"' for name in USER_NAMES),
            *(rf"&{name}=" for name in USER_NAMES),
        )
    ).encode()
    + rb"|\\u"
)
_FIRST_FORM_USER = re.compile(("(?:" + "|".join(USER_NAMES) + ")=").encode())


_TOO_DEEP = f"{REDACTED} (nested too deeply to be searched for credentials)".encode()


def scrub_body(body: bytes, parsed: Any = NOT_PARSED) -> bytes:
    """A request body with the values of credential-named keys redacted, nested or not, whatever their casing;
    a form-encoded or other text body scrubbed as a URL is; other bodies as they came. ``parsed`` is the body
    as strict JSON when a handler has already read it (``ApiRequest.parsed``): what ``json.loads`` makes of
    these bytes, so it is searched instead of parsing them again."""
    if not body:
        return body
    lowered = body.lower()  # one byte search before parsing: bodies run to MBs
    if _SECRET_BYTES.search(lowered) is None and _FIRST_FORM_USER.match(lowered) is None:
        return body
    try:
        data = json.loads(body) if parsed is NOT_PARSED else parsed
        scrubbed = _redact_keys(data)
    except RecursionError:  # nested deeper than the parser goes: where its credentials are is unknowable
        return _TOO_DEEP
    except ValueError:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        # Single-quoted pseudo-JSON the API reads as JSON: a credential-named key in it is redacted as in JSON,
        # and the body is then written as the JSON the API read. Without one, it is searched as text is.
        lenient: Any = _single_quoted(text)
        try:
            redacted = lenient if lenient is None else _redact_keys(lenient)
        except RecursionError:
            return _TOO_DEEP
        if redacted is lenient:
            scrubbed = scrub_url(text)
            return body if scrubbed == text else scrubbed.encode("utf-8")
        data, scrubbed = lenient, redacted
    return body if scrubbed is data else json.dumps(scrubbed).encode()  # ASCII: a lone surrogate cannot break it


def _single_quoted(text: str) -> Any:
    """The object or array single-quoted pseudo-JSON (``{'Secret':'x'}``) holds; None for other text."""
    try:
        value = json.loads(double_quoted(text)) if "'" in text else None
    except (ValueError, RecursionError):  # too deep to read: searched as text
        return None
    return value if isinstance(value, dict | list) else None


_KEY_VERDICTS: dict[str, bool] = {}


def _is_credential_key(key: str) -> bool:
    verdict = _KEY_VERDICTS.get(key)
    if verdict is None:
        verdict = is_credential_name(key)
        if len(_KEY_VERDICTS) < 4096:  # a client sending random keys must not grow it forever
            _KEY_VERDICTS[key] = verdict
    return verdict


def _redact_keys(value: Any) -> Any:
    """The value itself when it holds no credential to redact (no copy, no comparison afterwards); a copy of
    the containers on the way to each one otherwise. A key's verdict is remembered: a list of records repeats
    the same few keys thousands of times."""
    if isinstance(value, dict):
        copy: dict[str, Any] | None = None
        for key, item in value.items():
            if item is not None and _is_credential_key(key):
                if item == REDACTED:
                    continue
                new: Any = REDACTED
            else:
                new = _redact_keys(item)
                if new is item:
                    continue
            if copy is None:
                copy = dict(value)
            copy[key] = new
        return value if copy is None else copy
    if isinstance(value, list):
        items: list[Any] | None = None
        for index, item in enumerate(value):
            new = _redact_keys(item)
            if new is not item:
                if items is None:
                    items = list(value)
                items[index] = new
        return value if items is None else items
    return value

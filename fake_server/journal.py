"""The journal: every exchange the fake served, in order, with credentials removed."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from .messages import ApiRequest, ApiResponse

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
# Shorter credential values (a test's "u", "secret") are not hunted for in URLs and bodies: that would garble text.
MIN_CALLER_SECRET = 8


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


def _scrub_raw_headers(raw: dict[bytes, bytes]) -> dict[bytes, bytes]:
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


def _header_text(headers: dict[str, str] | dict[bytes, bytes]) -> dict[str, str]:
    if not headers or isinstance(next(iter(headers)), str):
        return dict(headers)  # type: ignore[arg-type]  # a copy: entries share equal header dicts
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in headers.items()}  # type: ignore[union-attr]


_USERS, _WORDS = "|".join(sorted(USER_NAMES, key=len, reverse=True)), "|".join(SECRET_WORDS)
_NAME = rf"(?:{_USERS}|[^=&#;/?\s]*?(?:{_WORDS})[^=&#;/?\s]*?)"
# A credential in a URL or a text: ``name=value`` at the start, after ``?``, ``&``, ``;``, a space or a quote, its
# value running to the next ``&``, ``#`` or space; or a path segment ``/name=value``, its value ending with the
# segment. One already redacted is left alone.
_CREDENTIAL = re.compile(
    rf"((?:^|[?&;\s'\"(,]){_NAME}=)(?!{REDACTED}(?:[&#;:.,\s'\")]|$))[^&#\s]*"
    rf"|(/{_NAME}=)(?!{REDACTED}(?:[/?&#;:.,\s'\")]|$))[^/?&#;\s]*",
    re.IGNORECASE,
)
# Who the URL logs in as: ``https://user:password@host/``.
_USERINFO = re.compile(rf"^([a-z][a-z0-9+.-]*://)(?!{REDACTED}@)[^/?#@\s]*@", re.IGNORECASE)


def _scrub_plain(url: str) -> str:
    scrubbed = _CREDENTIAL.sub(rf"\1\2{REDACTED}", url) if "=" in url else url
    return _USERINFO.sub(rf"\1{REDACTED}@", scrubbed) if "@" in scrubbed else scrubbed


def scrub_url(url: str) -> str:
    """The URL (or any text) with its credentials replaced by a placeholder: the values of ``user=``,
    ``UserName=`` and secret-looking parameters or path segments in any casing, and a ``user:password@``
    before the host. A credential hidden behind percent-encoding (``%3FSecret%3D...``, up to three layers)
    is found too: the URL is then given decoded, with it redacted."""
    if "=" not in url and "%" not in url and "@" not in url:
        return url
    current = probe = _scrub_plain(url)
    for _ in range(3):
        if "%" not in probe:
            break
        probe = unquote(probe)
        if _CREDENTIAL.search(probe) is not None or ("@" in probe and _USERINFO.search(probe) is not None):
            current = probe = _scrub_plain(probe)
    return current


# Matched against the lowered body before parsing it: a case-insensitive byte regex is six times slower on small
# bodies. Secret-looking words, quoted user-name keys, a form's ``user=``, and JSON escapes that could hide them.
_SECRET_BYTES = re.compile(
    "|".join(
        (
            *SECRET_WORDS,
            "authorization",
            "cookie",
            *(rf'"{name}"' for name in USER_NAMES),
            *(rf"(?:^|&){name}=" for name in USER_NAMES),
        )
    ).encode()
    + rb"|\\u"
)


def scrub_body(body: bytes) -> bytes:
    """A request body with the values of credential-named keys redacted, nested or not, whatever their casing;
    a form-encoded or other text body scrubbed as a URL is; other bodies as they came."""
    if not body or _SECRET_BYTES.search(body.lower()) is None:  # one byte search before parsing: bodies run to MBs
        return body
    try:
        data = json.loads(body)
        scrubbed = _redact_keys(data)
    except RecursionError:  # nested deeper than the parser goes: where its credentials are is unknowable
        return f"{REDACTED} (nested too deeply to be searched for credentials)".encode()
    except ValueError:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        scrubbed = scrub_url(text)
        return body if scrubbed == text else scrubbed.encode("utf-8")
    return body if scrubbed == data else json.dumps(scrubbed).encode()  # ASCII: a lone surrogate cannot break it


def _redact_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: REDACTED if item is not None and is_credential_name(str(key)) else _redact_keys(item)
            for key, item in value.items()
        }
    return [_redact_keys(item) for item in value] if isinstance(value, list) else value


class _CallerSecrets:
    """The caller's own credential values, for finding them wherever a client (or the fake, as the API user's
    Resource) put them: a path, a body, an answer. Built once per set of credentials; one regex search each."""

    __slots__ = ("as_bytes", "as_text", "key")

    def __init__(self, key: tuple[str | bytes | None, ...]) -> None:
        self.key = key
        decoded = (value.decode("latin-1") if isinstance(value, bytes) else value for value in key)
        values = [value for value in decoded if value and len(value) >= MIN_CALLER_SECRET]
        texts = sorted({*values, *(quote(value, safe="") for value in values)}, key=len, reverse=True)
        self.as_text = re.compile("|".join(map(re.escape, texts))) if texts else None
        self.as_bytes = re.compile(b"|".join(re.escape(text.encode("utf-8")) for text in texts)) if texts else None

    def in_text(self, text: str) -> str:
        assert self.as_text is not None
        return text if self.as_text.search(text) is None else self.as_text.sub(REDACTED, text)

    def in_bytes(self, data: bytes) -> bytes:
        assert self.as_bytes is not None
        return data if self.as_bytes.search(data) is None else self.as_bytes.sub(REDACTED.encode(), data)


def _json_or_none(raw: bytes) -> tuple[Any, str | None]:
    if not raw:
        return None, None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text), None
    except (ValueError, RecursionError):  # nested deeper than the parser goes: kept as text
        return None, text


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its answer, made when the journal is read.

    Bodies are kept as the bytes that crossed the wire and decoded on reading:
    a long journal of decoded dicts would slow every garbage collection.
    """

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int
    response_body: bytes
    started_at: float
    duration: float

    @property
    def request_json(self) -> Any:
        """The request body parsed as JSON, or ``None`` when it is empty or not JSON."""
        return _json_or_none(self.request_body)[0]

    @property
    def request_text(self) -> str | None:
        """The request body as text when it is not JSON."""
        return _json_or_none(self.request_body)[1]

    @property
    def response_json(self) -> Any:
        return _json_or_none(self.response_body)[0]

    def to_dict(self) -> dict[str, Any]:
        """Plain values: method, url, request_headers, request_json, request_text, status, response_json..."""
        request_json, request_text = _json_or_none(self.request_body)
        return {
            "method": self.method,
            "url": self.url,
            "request_headers": dict(self.request_headers),
            "request_json": request_json,
            "request_text": request_text,
            "status": self.status,
            "response_json": self.response_json,
            "started_at": self.started_at,
            "duration": self.duration,
        }


def _exchange(entry: tuple[Any, ...]) -> Exchange:
    method, url, headers, *rest = entry
    return Exchange(method, url, _header_text(headers), *rest)


# Readers split lines with str.splitlines(), which also breaks at these; json.dumps leaves them raw.
_LINE_BREAKS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _line(exchange: Exchange) -> bytes:
    """One exchange as a JSON line that every reader splits where it ends (a lone surrogate as its escape)."""
    text = json.dumps(exchange.to_dict(), ensure_ascii=False)
    if not text.isascii():
        for char, escaped in _LINE_BREAKS:
            if char in text:
                text = text.replace(char, escaped)
    return (text + "\n").encode("utf-8", errors="backslashreplace")


def _write_all(descriptor: int, data: bytes) -> None:
    """One write call, as a rule: a line reaches the operating system whole, and a killed process keeps it."""
    while data:
        data = data[os.write(descriptor, data) :]


def _mend_torn_tail(descriptor: int) -> int:
    """A file that ends in the middle of a line (its writer was killed mid-write) gets that torn line cut off,
    so every line parses; a last line that parses but lacks its newline gets one. Returns the bytes cut."""
    size = end = os.fstat(descriptor).st_size
    while end > 0:  # back to the last newline, 64 KiB at a time
        start = max(0, end - 65536)
        newline = os.pread(descriptor, end - start, start).rfind(b"\n")
        end = start if newline < 0 else start + newline + 1
        if newline >= 0:
            break
    if end == size:
        return 0
    try:
        json.loads(os.pread(descriptor, size - end, end))
    except ValueError:
        os.ftruncate(descriptor, end)
        return size - end
    _write_all(descriptor, b"\n")
    return 0


class Journal:
    """What was served, in order. Thread-safe; reads return plain values."""

    def __init__(self) -> None:
        # Each exchange as a plain tuple of Exchange's fields, made into an Exchange when read: a tuple is
        # several times cheaper to build on every request, and the garbage collector can stop tracking it.
        self._entries: list[tuple[Any, ...]] = []
        # Equal bodies share one bytes object: a client polling the same record would otherwise keep a fresh
        # copy per exchange, and that growth, more than the bookkeeping, is what slows a busy served fake.
        self._bodies: dict[bytes, bytes] = {}
        # Request bodies seen before that had nothing to scrub, so a repeated one skips the scan.
        self._clean_bodies: dict[bytes, bytes] = {}
        # URLs as they came -> as journalled: a client polls the same URLs, scrubbed once each.
        self._urls: dict[str, str] = {}
        # Answers already searched for the current caller's credentials, and found without them.
        self._scanned: set[bytes] = set()
        self._caller = _CallerSecrets((None, None, None))
        self._last_headers: Any = None
        self._lock = threading.Lock()
        self._sink: int | None = None

    def stream_to(self, path: str | Path) -> int:
        """Also append every exchange from now on to ``path`` as a JSON line (``serve --journal``).

        Each line goes to the operating system in one write before the answer is sent, so a process that is
        killed, even with SIGKILL, loses no answered exchange (only a machine crash can lose what the system
        has not yet put on disk). A file whose last line a killed writer tore is mended first: the torn line is
        cut off (see ``_mend_torn_tail``), and the number of bytes cut is returned.
        """
        descriptor = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            dropped = _mend_torn_tail(descriptor)
        except BaseException:
            os.close(descriptor)
            raise
        with self._lock:
            if self._sink is not None:
                os.close(self._sink)
            self._sink = descriptor
        return dropped

    def close(self) -> None:
        """End the stream, if any (every line is already written)."""
        with self._lock:
            if self._sink is not None:
                os.close(self._sink)
                self._sink = None

    def record_drop(self, request: ApiRequest) -> None:
        """A request whose connection was dropped: journalled with status 0 and no answer."""
        self.record(request, ApiResponse(0), time.time(), 0.0)

    def record(self, request: ApiRequest, response: ApiResponse, started_at: float, duration: float) -> None:
        raw = request.raw_headers  # kept undecoded until the journal is read, when it came that way
        if raw is None:
            headers: Any = scrub_headers(request.headers)
            credentials: tuple[str | bytes | None, ...] = request.credentials()
        else:
            headers = _scrub_raw_headers(raw)
            credentials = (raw.get(b"username"), raw.get(b"secret"), raw.get(b"apiintegrationcode"))
        method = request.method
        with self._lock:
            caller = self._caller
            if credentials != caller.key:  # a new caller: what was found clean may hold its credentials
                caller = self._caller = _CallerSecrets(credentials)
                self._urls.clear()
                self._clean_bodies.clear()
                self._scanned.clear()
            # A client sends the same headers and polls the same URLs: keep one copy of each.
            if headers == self._last_headers:
                headers = self._last_headers
            else:
                self._last_headers = headers
            url = self._urls.get(raw_url := request.url)
            if url is None:
                url = scrub_url(raw_url) if caller.as_text is None else caller.in_text(scrub_url(raw_url))
                self._urls[raw_url] = url
            body = self._request_body(body, caller) if (body := request.body) else b""
            content = self._shared(response.content())
            if content and caller.as_bytes is not None and content not in self._scanned:
                scrubbed = caller.in_bytes(content)  # the API user's Resource carries the caller's UserName
                if scrubbed is content:
                    self._scanned.add(content)
                else:
                    content = self._shared(scrubbed)
            entry = (
                method if method.isupper() else method.upper(),
                url,
                headers,
                body,
                response.status,
                content,
                started_at,
                duration,
            )
            self._entries.append(entry)
            if self._sink is not None:
                _write_all(self._sink, _line(_exchange(entry)))

    def _request_body(self, body: bytes, caller: _CallerSecrets) -> bytes:
        clean = self._clean_bodies.get(body)
        if clean is not None:
            return clean
        scrubbed = scrub_body(body)
        if caller.as_bytes is not None:
            scrubbed = caller.in_bytes(scrubbed)
        scrubbed = self._shared(scrubbed)
        if scrubbed == body:  # only bodies without secrets are remembered as they came
            self._clean_bodies[scrubbed] = scrubbed
        return scrubbed

    def _shared(self, body: bytes) -> bytes:
        return self._bodies.setdefault(body, body)

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Exchange]:
        with self._lock:
            entries = list(self._entries)
        return (_exchange(entry) for entry in entries)

    def __getitem__(self, index: int) -> Exchange:
        return _exchange(self._entries[index])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bodies.clear()
            self._clean_bodies.clear()
            self._urls.clear()
            self._scanned.clear()
            self._last_headers = None

    def to_dicts(self) -> list[dict[str, Any]]:
        return [entry.to_dict() for entry in self]

    def dump_jsonl(self, path: str | Path) -> None:
        """Write one JSON object a line, the format ``serve --journal`` uses."""
        with Path(path).open("wb") as out:
            for entry in self:
                out.write(_line(entry))

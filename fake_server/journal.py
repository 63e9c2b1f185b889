"""The journal: every exchange the fake served, in order, with credentials removed (see ``redaction``)."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .caller_secrets import CallerSecrets
from .exchange import Exchange
from .http_types import ApiRequest, ApiResponse
from .redaction import scrub_body, scrub_headers, scrub_raw_headers, scrub_url


def _header_text(headers: dict[str, str] | dict[bytes, bytes]) -> dict[str, str]:
    if not headers or isinstance(next(iter(headers)), str):
        return dict(headers)  # type: ignore[arg-type]  # a copy: entries share equal header dicts
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in headers.items()}  # type: ignore[union-attr]


def _exchange(entry: tuple[Any, ...], position: int) -> Exchange:
    # A request's entry has nine values, the last what was undone to read its body; an outbound callout's
    # (record_outbound) has a tenth, True.
    method, url, headers, body, status, content, started_at, duration, decoded = entry[:9]
    return Exchange(
        method,
        url,
        _header_text(headers),
        body,
        status,
        content,
        started_at,
        duration,
        position,
        request_decoded=decoded or "",
        outbound=len(entry) > 9,
    )


# How many of the latest exchanges ``serve`` holds in memory unless told otherwise (``--journal-keep``): about
# a megabyte of rows, plus the bodies they hold that no other row shares.
SERVED_KEEP = 10_000

# Readers split lines with str.splitlines(), which also breaks at these; json.dumps leaves them raw.
_LINE_BREAKS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


def _line(exchange: Exchange) -> bytes:
    """One exchange as a JSON line that every reader splits where it ends (a lone surrogate as its escape)."""
    text = json.dumps(exchange.to_dict(own_answer=not exchange.outbound), ensure_ascii=False)
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
    """What was served, in order. Thread-safe; reads return plain values.

    ``keep`` bounds what is held in memory to the latest exchanges (``serve`` keeps a bound: a long-running
    fake must not grow without end); older ones are dropped, counted in ``dropped``, and still in the file of
    ``stream_to`` if there is one. Positions count every exchange recorded, dropped or not. Without a bound
    (the default, and what ``FakeAutotask`` has: tests read their journal whole) every exchange is held.
    """

    def __init__(self, keep: int | None = None) -> None:
        # Each exchange as a plain tuple, made into an Exchange when read: several times cheaper to build on
        # every request than anything else, and the garbage collector can stop tracking it. What repeats from
        # exchange to exchange (method, request body, status, what was undone to read it) is one shared
        # "kind" tuple, so a row has six slots, not nine (issue 24: bytes per served request). The times stay
        # float objects: an array of doubles would save 32 more bytes but costs 2,000 instructions a request
        # to fill. With a bound (``keep``) the rows are a ring.
        self._keep: int | None = None
        self._total = 0  # exchanges recorded since the last clear, dropped or not
        self._cleared = 0  # exchanges recorded before the last clear (a reset's), for ``ever``
        self._offset = 0  # the position before the first row's slot: the rows start there
        self._rows_held: list[tuple[Any, ...]] = []
        self._kinds: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        # Equal bodies share one bytes object: a client polling the same record would otherwise keep a fresh
        # copy per exchange, and that growth, more than the bookkeeping, is what slows a busy served fake.
        self._bodies: dict[bytes, bytes] = {}
        # The same, found by an answer's parts (``ApiResponse.parts``): a record's text is the store's one
        # object, so a read made afresh (another record's GET, a new query) is found without hashing its page.
        self._by_parts: dict[tuple[bytes, ...], bytes] = {}
        # Request bodies seen before that had nothing to scrub, so a repeated one skips the scan; and query
        # body shapes (``ApiRequest.cut``), whether their bodies hold a credential-named key: only the values
        # differ between bodies of one shape, and a value's key is ``value``, which names no credential.
        self._clean_bodies: dict[bytes, bytes] = {}
        self._clean_shapes: dict[tuple[bytes, ...], bool] = {}
        # URLs as they came -> as journalled: a client polls the same URLs, scrubbed once each.
        self._urls: dict[str, str] = {}
        # Answers, and parts of answers (``ApiResponse.parts``), already searched for the current caller's
        # credentials and found without them.
        self._scanned: set[bytes] = set()
        self._caller = CallerSecrets((None, None, None))
        self._last_headers: Any = None
        # The undecoded headers last scrubbed, as they came, with what the journal made of them.
        self._seen_raw: tuple[Any, ...] = (None, None, None)
        self._lock = threading.Lock()
        self._sink: int | None = None
        self.limit(keep)

    @property
    def keep(self) -> int | None:
        """How many of the latest exchanges are held in memory; None: all of them."""
        return self._keep

    @property
    def dropped(self) -> int:
        """How many older exchanges are no longer held in memory (``keep``); the streamed file has them."""
        return self._total - len(self._rows_held)

    @property
    def total(self) -> int:
        """Every exchange recorded since the journal was made or cleared, held or dropped."""
        return self._total

    @property
    def ever(self) -> int:
        """Every exchange recorded since the journal was made, clears (a tenant's reset) included: what
        ``serve`` says it served when it stops, as its ``--journal`` file holds them all."""
        return self._cleared + self._total

    def limit(self, keep: int | None) -> None:
        """Hold only the latest ``keep`` exchanges from now on (None or 0: all); older ones held are dropped."""
        if keep is not None and keep < 0:
            raise ValueError(f"a journal keeps 0 or more exchanges, not {keep}")
        with self._lock:
            rows = self._rows()
            self._keep = keep or None
            dropped = self._total - len(rows)
            kept = rows if self._keep is None else rows[-self._keep :]
            self._reset_rows()
            self._total = self._offset = dropped + len(rows) - len(kept)
            for row in kept:
                self._append(row)

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
            seen = self._seen_raw  # one tuple, read and replaced whole: no lock needed
            if raw == seen[0]:  # a client sends the same headers each time: scrubbed once
                headers, credentials = seen[1], seen[2]
            else:
                headers = scrub_raw_headers(raw)
                credentials = (raw.get(b"username"), raw.get(b"secret"), raw.get(b"apiintegrationcode"))
                self._seen_raw = (raw, headers, credentials)
        method = request.method
        with self._lock:
            caller = self._caller
            if credentials != caller.key:  # a new caller: what was found clean may hold its credentials
                caller = self._caller = CallerSecrets(credentials)
                self._urls.clear()
                self._clean_bodies.clear()
                self._scanned.clear()
            # A client sends the same headers and polls the same URLs: keep one copy of each.
            if headers is self._last_headers or headers == self._last_headers:
                headers = self._last_headers
            else:
                self._last_headers = headers
            url = self._urls.get(raw_url := request.url)
            if url is None:
                url = scrub_url(raw_url) if caller.as_text is None else caller.in_text(scrub_url(raw_url))
                self._urls[raw_url] = url
            body = self._request_body(body, caller, request) if (body := request.body) else b""
            parts = response.parts
            found = None if parts is None else self._by_parts.get(parts)
            if found is not None:
                content = found
            else:
                content = self._shared(response.content())
                if parts is not None:
                    self._by_parts[parts] = content
            if content and caller.as_bytes is not None and content not in self._scanned:
                if parts is not None and caller.joint_free and self._parts_clean(parts, caller):
                    self._scanned.add(content)
                else:
                    scrubbed = caller.in_bytes(content)  # the API user's Resource carries the caller's UserName
                    if scrubbed is content:
                        self._scanned.add(content)
                    else:
                        content = self._shared(scrubbed)
            kind = (method if method.isupper() else method.upper(), body, response.status, request.decoded)
            row = (self._kinds.setdefault(kind, kind), url, headers, content, started_at, duration)
            if self._keep is None or len(self._rows_held) < self._keep:  # the usual case, inline
                self._rows_held.append(row)
                self._total += 1
            else:
                self._overwrite(row)
            if self._sink is not None:
                _write_all(self._sink, _line(_exchange(self._row(self._total), self._total)))

    def record_outbound(
        self,
        url: str,
        headers: tuple[tuple[str, str], ...],
        body: bytes,
        status: int,
        content: bytes,
        started_at: float,
        duration: float,
    ) -> None:
        """A webhook callout the fake POSTed and the receiver's answer (``status`` 0: none came), marked
        ``outbound``. Headers lose their credentials (``X-Hook-Signature`` among them) and bodies their
        secret-looking keys, as requests do."""
        entry = (
            "POST",
            scrub_url(url),
            scrub_headers(headers),
            scrub_body(body) if body else b"",
            status,
            scrub_body(content) if content else b"",
            started_at,
            duration,
            None,
            True,
        )
        with self._lock:
            self._append(entry)
            if self._sink is not None:
                _write_all(self._sink, _line(_exchange(entry, self._total)))

    def _parts_clean(self, parts: tuple[bytes, ...], caller: CallerSecrets) -> bool:
        """Whether no part holds the caller's credentials: a record's text is searched once, not on every page
        holding it (the lock held; ``caller.joint_free``, so none can straddle two parts)."""
        scanned, pattern = self._scanned, caller.as_bytes
        assert pattern is not None
        for part in parts:
            if part not in scanned:
                if pattern.search(part) is not None:
                    return False
                scanned.add(part)
        return True

    def _request_body(self, body: bytes, caller: CallerSecrets, request: ApiRequest) -> bytes:
        clean = self._clean_bodies.get(body)
        if clean is not None:
            return clean
        cut = request.cut
        # A query body bound unparsed takes its shape's verdict, found on the first body of the shape.
        verdict = None if cut is None else self._clean_shapes.get(cut.pieces)
        if verdict:
            scrubbed = body
        else:
            scrubbed = scrub_body(body, request.parsed)
            if cut is not None and verdict is None:
                self._clean_shapes[cut.pieces] = scrubbed is body
        if caller.as_bytes is not None:
            scrubbed = caller.in_bytes(scrubbed)
        scrubbed = self._shared(scrubbed)
        if scrubbed == body:  # only bodies without secrets are remembered as they came
            self._clean_bodies[scrubbed] = scrubbed
        return scrubbed

    def _shared(self, body: bytes) -> bytes:
        return self._bodies.setdefault(body, body)

    def _append(self, entry: tuple[Any, ...]) -> None:
        """An entry, as ``_exchange`` reads one, into the rows (the lock held)."""
        method, url, headers, body, status, content, started_at, duration, decoded = entry[:9]
        kind = (method, body, status, decoded, True) if len(entry) > 9 else (method, body, status, decoded)
        row = (self._kinds.setdefault(kind, kind), url, headers, content, started_at, duration)
        if self._keep is None or len(self._rows_held) < self._keep:
            self._rows_held.append(row)
            self._total += 1
        else:
            self._overwrite(row)

    def _overwrite(self, row: tuple[Any, ...]) -> None:
        """The row over the oldest held, ``keep`` being held (the lock held)."""
        assert self._keep is not None
        at = (self._total - self._offset) % self._keep
        self._rows_held[at] = row
        self._total += 1
        if at == 0:  # once per turn of the ring: what was remembered for dropped rows goes with them
            self._forget_seen()

    def _row(self, position: int) -> tuple[Any, ...]:
        """The exchange at ``position`` (from 1), which must be held, as the tuple ``_exchange`` reads."""
        at = position - 1 - self._offset
        if self._keep is not None:
            at %= self._keep
        (method, body, status, decoded, *outbound), url, headers, content, started_at, duration = self._rows_held[at]
        return (method, url, headers, body, status, content, started_at, duration, decoded, *outbound)

    def _rows(self) -> list[tuple[Any, ...]]:
        """Every row held, oldest first (the lock held)."""
        return [self._row(position) for position in range(self.dropped + 1, self._total + 1)]

    def _reset_rows(self) -> None:
        self._rows_held = []
        self._total = 0
        self._offset = 0  # the position before the first row's slot

    def _forget_seen(self) -> None:
        self._kinds.clear()
        self._bodies.clear()
        self._by_parts.clear()
        self._clean_bodies.clear()
        self._clean_shapes.clear()
        self._urls.clear()
        self._scanned.clear()
        self._last_headers = None
        self._seen_raw = (None, None, None)

    def __len__(self) -> int:
        """The exchanges held (all of them, unless ``keep`` dropped some: see ``dropped`` and ``total``)."""
        return len(self._rows_held)

    def __iter__(self) -> Iterator[Exchange]:
        with self._lock:
            first = self.dropped + 1
            rows = self._rows()
        return (_exchange(row, n) for n, row in enumerate(rows, first))

    def __getitem__(self, index: int) -> Exchange:
        with self._lock:
            position = range(self.dropped + 1, self._total + 1)[index]  # an IndexError as a list gives it
            return _exchange(self._row(position), position)

    def clear(self) -> None:
        with self._lock:
            self._cleared += self._total
            self._reset_rows()
            self._forget_seen()

    def to_dicts(self) -> list[dict[str, Any]]:
        return [entry.to_dict(own_answer=not entry.outbound) for entry in self]

    def dump_jsonl(self, path: str | Path) -> None:
        """Write one JSON object a line, the format ``serve --journal`` uses."""
        with Path(path).open("wb") as out:
            for entry in self:
                out.write(_line(entry))

"""One socket write per answer: uvicorn's HTTP protocol with what it writes in one turn of the event loop sent
together.

uvicorn writes an answer's status line and headers when the app starts it, and its body when the app sends
it: two writes, two TCP segments, and on loopback two wake-ups of the client, which reads the headers alone
and waits again. IIS sends a small answer in one segment. Here every write made during one turn of the
loop is held and sent at its end, in one write: an answer's headers and body go out together, and answers
to requests pipelined on a connection share a write. Nothing waits longer than that turn: a streamed body's
chunks go out as the app sends them.

Measured with ``benchmarks/http.py`` (docs/speed.md): more requests per second for the fake and the floor
alike. Without httptools (uvicorn's pure-Python HTTP then) the protocol is uvicorn's own, unchanged.
"""

from __future__ import annotations

import asyncio
from typing import Any

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # no httptools: uvicorn picks its own protocol
    HttpToolsProtocol = None  # type: ignore[assignment,misc]


class HeldWrites:
    """A transport whose writes during one turn of the loop reach the real one as a single write."""

    __slots__ = ("_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is None:
            self._held = [data]
            self._loop.call_soon(self.flush)
        else:
            held.append(data)

    def flush(self) -> None:
        """Send what is held, in one write (nothing once the connection is closing: no one would read it)."""
        held, self._held = self._held, None
        if held and not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self.flush()  # an answer written just before closing still goes out first
        self._transport.close()

    def abort(self) -> None:
        self._held = None
        self._transport.abort()

    def __getattr__(self, name: str) -> Any:  # everything else is the real transport's
        return getattr(self._transport, name)


def http_protocol() -> type[asyncio.Protocol] | str:
    """What to give uvicorn's ``http=``: the protocol below, or ``"auto"`` without httptools."""
    return "auto" if HttpToolsProtocol is None else OneWriteHttpTools


if HttpToolsProtocol is not None:

    class OneWriteHttpTools(HttpToolsProtocol):
        """uvicorn's httptools protocol writing through ``HeldWrites``."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(HeldWrites(transport, self.loop))  # type: ignore[arg-type]

"""One socket write per answer: what ``serve`` writes during a turn of the event loop goes out in one write."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from fake_server import FakeAutotask
from harness.serving.one_write import HeldWrites, OneWriteHttpTools, http_protocol
from harness.serving.server import uvicorn_config

from .conftest import CREDENTIALS


class Wire:
    """A transport that records each write it is given."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = self.aborted = False

    def write(self, data: bytes) -> None:
        assert not self.closed, "written after closing"
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed or self.aborted

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.aborted = True

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def _turns(count: int = 3) -> None:
    for _ in range(count):
        await asyncio.sleep(0)


def test_writes_of_one_turn_reach_the_wire_as_one() -> None:
    async def scenario() -> Wire:
        wire = Wire()
        held = HeldWrites(wire, asyncio.get_running_loop())  # type: ignore[arg-type]
        held.write(b"HTTP/1.1 200 OK\r\n\r\n")
        held.write(b"{}")
        assert wire.writes == []  # held until the turn ends
        await _turns()
        held.write(b"later")
        await _turns()
        return wire

    assert asyncio.run(scenario()).writes == [b"HTTP/1.1 200 OK\r\n\r\n{}", b"later"]


def test_closing_sends_what_is_held_first_and_aborting_drops_it() -> None:
    async def scenario() -> tuple[Wire, Wire]:
        loop = asyncio.get_running_loop()
        closed, aborted = Wire(), Wire()
        for wire in (closed, aborted):
            HeldWrites(wire, loop).write(b"answer")  # type: ignore[arg-type]
        first = HeldWrites(closed, loop)  # type: ignore[arg-type]
        first.write(b"last answer")
        first.close()
        second = HeldWrites(aborted, loop)  # type: ignore[arg-type]
        second.write(b"never sent")
        second.abort()
        await _turns()
        return closed, aborted

    closed, aborted = asyncio.run(scenario())
    assert closed.writes == [b"last answer"] and closed.closed  # the other writer's "answer" met a closed wire
    assert b"never sent" not in b"".join(aborted.writes) and aborted.aborted


def test_a_served_answer_goes_out_in_one_write() -> None:
    """uvicorn's protocol as ``serve`` configures it: the status line, headers and body in a single write."""
    assert http_protocol() is OneWriteHttpTools

    async def scenario() -> Wire:
        from uvicorn.server import ServerState

        config = uvicorn_config(FakeAutotask().asgi_app)
        protocol = OneWriteHttpTools(config, ServerState(), {}, asyncio.get_running_loop())
        wire = Wire()
        protocol.connection_made(wire)  # type: ignore[arg-type]
        headers = "".join(f"{name}: {value}\r\n" for name, value in CREDENTIALS.items())
        request = f"GET /ATServicesRest/V1.0/Companies/0 HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n"
        protocol.data_received(request.encode())
        for _ in range(50):
            await asyncio.sleep(0)
            if wire.writes:
                break
        await _turns()
        protocol.connection_lost(None)
        return wire

    wire = asyncio.run(scenario())
    assert len(wire.writes) == 1
    head, _, body = wire.writes[0].partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert body.startswith(b'{"item":{') and body.endswith(b"}")


@pytest.mark.parametrize("chosen", ["h11", "httptools"])
def test_a_protocol_the_caller_picks_is_kept(chosen: str) -> None:
    assert uvicorn_config(FakeAutotask().asgi_app, http=chosen).http == chosen

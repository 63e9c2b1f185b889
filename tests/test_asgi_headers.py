"""Headers as ASGI servers hand them over: lowercased bytes (the usual case), or any casing and repeated."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping, Sequence
from typing import Any

import pytest

from fake_server import Credentials, FakeAutotask
from fake_server.asgi import AsgiApp

from .conftest import CREDENTIALS

PATH = "/ATServicesRest/V1.0/Companies/0"


def call(fake: FakeAutotask, headers: list[tuple[bytes, bytes]], path: str = PATH) -> tuple[int, Any]:
    """One GET straight through the ASGI app, as a server would make it."""
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
    }
    asyncio.run(AsgiApp(fake)(scope, receive, send))
    return sent[0]["status"], json.loads(sent[1]["body"])


def checked_fake() -> FakeAutotask:
    return FakeAutotask(
        credentials=Credentials(CREDENTIALS["UserName"], CREDENTIALS["Secret"], CREDENTIALS["ApiIntegrationCode"])
    )


def lowered(extra: Sequence[tuple[bytes, bytes]] = ()) -> list[tuple[bytes, bytes]]:
    return [(b"host", b"127.0.0.1:8000"), *[(k.lower().encode(), v.encode()) for k, v in CREDENTIALS.items()], *extra]


def test_lowercased_headers_authenticate_and_answer() -> None:
    fake = checked_fake()
    status, body = call(fake, lowered())
    assert status == 200 and body["item"]["id"] == 0
    assert call(fake, [h for h in lowered() if h[0] != b"secret"])[0] == 401


@pytest.mark.parametrize(
    "first, second, expected", [("test-secret-value", "wrong", 200), ("wrong", "test-secret-value", 401)]
)
def test_the_first_of_repeated_headers_wins(first: str, second: str, expected: int) -> None:
    fake = checked_fake()
    headers = [h for h in lowered() if h[0] != b"secret"] + [(b"secret", first.encode()), (b"secret", second.encode())]
    assert call(fake, headers)[0] == expected


def test_header_names_in_any_casing_from_a_server_that_keeps_them() -> None:
    fake = checked_fake()
    headers = [
        (b"Host", b"127.0.0.1:8000"),
        *[(k.encode(), v.encode()) for k, v in CREDENTIALS.items()],
        (b"X-Request-Tag", b"tag-1"),
    ]
    assert call(fake, headers)[0] == 200
    journalled = fake.journal[0].request_headers
    assert journalled == {"Host": "127.0.0.1:8000", "X-Request-Tag": "tag-1"}
    assert fake.journal[0].url == f"http://127.0.0.1:8000{PATH}"


def test_the_journal_keeps_decoded_headers_and_no_credential_of_any_kind() -> None:
    fake = FakeAutotask()
    secrets = [
        (b"authorization", b"Bearer tok-998877"),
        (b"cookie", b"session=cookie-445566"),
        (b"proxy-authorization", b"Basic prox-112233"),
    ]
    status, _ = call(fake, lowered([(b"x-caf\xe9", b"cr\xe8me"), *secrets]))
    assert status == 200
    exchange = fake.journal[0]
    assert exchange.request_headers == {"host": "127.0.0.1:8000", "x-caf\u00e9": "cr\u00e8me"}
    dumped = json.dumps(fake.journal.to_dicts())
    for value in [*CREDENTIALS.values(), "tok-998877", "cookie-445566", "prox-112233"]:
        assert value not in dumped

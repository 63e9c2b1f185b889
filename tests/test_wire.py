"""Request bodies as production's IIS / ASP.NET stack takes them: content codings, charsets, chunked bodies.

The bodies and their wrappings are generated: whatever a client compresses or encodes, the fake must answer
exactly what it answers to the plain JSON, keep the plain JSON in its journal and say what it undid.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import httpx
import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from fake_server import FakeAutotask, read_body
from fake_server.http_types import ApiRequest
from harness.serving.server import ServedFake
from harness.traffic import load_traffic

from .conftest import BASE, CREDENTIALS, ticket_body

JSON_TYPE = {"Content-Type": "application/json"}


def _raw_deflate(data: bytes) -> bytes:
    engine = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return engine.compress(data) + engine.flush()


CODINGS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,  # zlib-wrapped, as RFC 9110 defines deflate
    "deflate-raw": _raw_deflate,  # as .NET's DeflateStream writes it, sent under the same label
}
# A charset parameter and how the body's characters are then written; None: no parameter.
CHARSETS: dict[str | None, Callable[[str], bytes]] = {
    None: lambda text: text.encode("utf-8"),
    "utf-8": lambda text: text.encode("utf-8"),
    "UTF-16": lambda text: text.encode("utf-16-le"),
    "utf-8 with BOM": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf-16 BOM big-endian": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "iso-8859-1": lambda text: text.encode("utf-8"),  # a charset the formatter lacks: read as UTF-8
}
titles = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40)


def _wrap(text: str, charset: str | None, codings: list[str]) -> tuple[bytes, dict[str, str]]:
    body = CHARSETS[charset](text)
    for coding in codings:
        body = CODINGS[coding](body)
    headers = dict(JSON_TYPE)
    if charset in ("utf-8", "UTF-16", "iso-8859-1"):
        headers["Content-Type"] = f"application/json; charset={charset}"
    if codings:
        headers["Content-Encoding"] = ", ".join("deflate" if c == "deflate-raw" else c for c in codings)
    return body, headers


def _note_fake() -> tuple[FakeAutotask, int]:
    fake = FakeAutotask()
    return fake, fake.seed("Tickets", ticket_body(0))


@given(
    title=titles,
    charset=st.sampled_from(list(CHARSETS)),
    codings=st.lists(st.sampled_from(list(CODINGS)), max_size=2),
)
def test_a_compressed_or_re_encoded_note_is_stored_as_the_plain_one(
    title: str, charset: str | None, codings: list[str]
) -> None:
    fake, ticket = _note_fake()
    note = {"title": title, "description": "d", "noteType": 1, "publish": 1}
    body, headers = _wrap(json.dumps(note, ensure_ascii=False), charset, codings)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(f"{BASE}/Tickets/{ticket}/Notes", content=body, headers=headers)
        assert answer.status_code == 200, answer.text
        stored = http.get(f"{BASE}/Tickets/{ticket}/Notes/{answer.json()['itemId']}").json()["item"]
    assert stored["title"] == title
    exchange = fake.journal[-2]
    assert exchange.request_json == note  # the journal keeps the JSON, not the wire bytes
    undone = [c.replace("-raw", "") for c in reversed(codings)]
    if charset in ("UTF-16", "utf-16 BOM big-endian"):
        undone.append("utf-16")
    elif charset == "utf-8 with BOM":
        undone.append("utf-8-sig")
    assert exchange.request_decoded == ", ".join(undone)
    sent = {name.lower(): value for name, value in exchange.request_headers.items()}
    assert sent.get("content-encoding") == headers.get("Content-Encoding")  # and how it was sent


@given(filter_value=st.integers(min_value=-5, max_value=5), coding=st.sampled_from(list(CODINGS)))
def test_a_compressed_query_answers_as_the_plain_query(filter_value: int, coding: str) -> None:
    fake, ticket = _note_fake()
    query = json.dumps({"filter": [{"op": "gte", "field": "id", "value": ticket + filter_value}]}).encode()
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        plain = http.post(f"{BASE}/Tickets/query", content=query, headers=JSON_TYPE)
        packed = http.post(
            f"{BASE}/Tickets/query",
            content=CODINGS[coding](query),
            headers={**JSON_TYPE, "Content-Encoding": coding.replace("-raw", "")},
        )
    assert (packed.status_code, packed.json()) == (plain.status_code, plain.json())


def test_plain_json_labelled_gzip_is_read_on_a_top_level_endpoint() -> None:
    """WYRE-AI/autotask-mcp PR #32: top-level endpoints tolerate the mislabelled bodies of autotask-node 2.1."""
    fake, ticket = _note_fake()
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(
            f"{BASE}/Tickets/query",
            content=json.dumps({"filter": [{"op": "eq", "field": "id", "value": ticket}]}).encode(),
            headers={**JSON_TYPE, "Content-Encoding": "gzip"},
        )
    assert answer.status_code == 200 and answer.json()["items"][0]["id"] == ticket


def test_plain_json_labelled_gzip_is_a_500_on_a_child_endpoint_and_creates_nothing() -> None:
    """The same report: ``POST /Tickets/{id}/Notes`` answered 500 to the mislabelled body."""
    fake, ticket = _note_fake()
    before = fake.snapshot()
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(
            f"{BASE}/Tickets/{ticket}/Notes",
            content=json.dumps({"title": "t", "description": "d", "noteType": 1, "publish": 1}).encode(),
            headers={**JSON_TYPE, "Content-Encoding": "gzip"},
        )
    assert answer.status_code == 500
    assert answer.json() == {"Message": "An error has occurred."}
    assert fake.snapshot() == before


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_a_body_that_cannot_be_read_on_a_path_with_no_route_is_the_routes_404(coding: str) -> None:
    """Web API picks the route before it reads the body: no route is a 404 whatever the body holds."""
    fake, ticket = _note_fake()
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(
            f"{BASE}/Tickets/{ticket}/TimeEntries",
            content=b"\x1f\x8bnot gzip" if coding == "deflate" else b'{"hoursWorked": 1}',
            headers={**JSON_TYPE, "Content-Encoding": coding},
        )
    assert answer.status_code == 404
    assert "No HTTP resource was found" in answer.json()["Message"]


@given(garbage=st.binary(max_size=200), coding=st.sampled_from(["gzip", "deflate", "br", "zstd", "GZIP"]))
def test_bytes_that_are_not_what_their_label_says_get_an_envelope_and_change_nothing(
    garbage: bytes, coding: str
) -> None:
    fake, ticket = _note_fake()
    before = fake.snapshot()
    body = b"\x1f\x8b" + garbage if coding.lower() == "gzip" else garbage
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(
            f"{BASE}/Tickets/{ticket}/Notes", content=body, headers={**JSON_TYPE, "Content-Encoding": coding}
        )
    assert answer.status_code in (413, 500)
    assert set(answer.json()) in ({"errors"}, {"Message"})
    assert fake.snapshot() == before
    assert load_traffic(fake.journal)[-1].status == answer.status_code  # and the journal reads back


def test_brotli_is_not_undone_as_net_framework_has_no_decoder() -> None:
    fake, _ = _note_fake()
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(
            f"{BASE}/Tickets/query",
            content=b"\x0b\x02\x80{}\x03",  # what a Brotli encoder makes of "{}"
            headers={**JSON_TYPE, "Content-Encoding": "br"},
        )
    assert answer.status_code == 500
    assert answer.json()["errors"] == ["The query is not valid UTF-8."]  # the JSON reader met the raw bytes


def test_a_body_that_inflates_past_the_limit_is_a_413_without_inflating_it_all() -> None:
    fake, _ = _note_fake()
    bomb = gzip.compress(b" " * (fake.profile.max_body_bytes * 4))
    assert len(bomb) < 100_000
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(f"{BASE}/Tickets/query", content=bomb, headers={**JSON_TYPE, "Content-Encoding": "gzip"})
    assert answer.status_code == 413
    assert len(fake.journal[-1].request_body) == fake.profile.max_body_bytes + 1


def test_a_utf16_body_with_an_odd_byte_is_refused_as_not_utf16() -> None:
    fake, _ = _note_fake()
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        answer = http.post(
            f"{BASE}/Tickets/query", content=b"\xff\xfe{\x00\x00\xd8", headers={"Content-Type": "application/json"}
        )
    assert (answer.status_code, answer.json()) == (500, {"errors": ["The request body is not valid UTF-16."]})


def _chunks(data: bytes) -> Iterator[bytes]:
    yield data[:7]
    yield data[7:]


QUERY = json.dumps({"filter": [{"op": "gte", "field": "id", "value": 0}]}).encode()


def test_chunked_bodies_reach_the_fake_from_every_python_stack() -> None:
    fake, ticket = _note_fake()
    url = f"{BASE}/Tickets/query"

    async def aiohttp_chunked() -> int:
        async def chunks() -> Any:
            for chunk in _chunks(QUERY):
                yield chunk

        async with (
            aiohttp.ClientSession(headers=CREDENTIALS) as session,
            session.post(url, data=chunks(), headers=JSON_TYPE) as answer,
        ):
            return len((await answer.json())["items"])

    with fake.mock():
        with httpx.Client(headers=CREDENTIALS) as http:
            assert len(http.post(url, content=_chunks(QUERY), headers=JSON_TYPE).json()["items"]) == 1
        with requests.Session() as session:
            session.headers.update(CREDENTIALS)
            assert len(session.post(url, data=_chunks(QUERY), headers=JSON_TYPE).json()["items"]) == 1
        assert asyncio.run(aiohttp_chunked()) == 1
    with httpx.Client(transport=fake.transport(), headers=CREDENTIALS) as http:
        assert len(http.post(url, content=_chunks(QUERY), headers=JSON_TYPE).json()["items"]) == 1
    assert ticket == 1


@pytest.mark.parametrize("coding", [None, "gzip"])
def test_served_chunked_and_gzipped_bodies_are_read(coding: str | None) -> None:
    fake, _ = _note_fake()
    body = gzip.compress(QUERY) if coding else QUERY
    headers = {**CREDENTIALS, **JSON_TYPE, **({"Content-Encoding": coding} if coding else {})}
    with ServedFake(fake) as served, httpx.Client() as http:
        url = f"{served.root_url}/ATServicesRest/V1.0/Tickets/query"
        answer = http.post(url, content=_chunks(body), headers=headers)
        assert answer.request.headers["transfer-encoding"] == "chunked"
    assert answer.status_code == 200 and len(answer.json()["items"]) == 1
    assert fake.journal[-1].request_json == json.loads(QUERY)
    assert fake.journal[-1].request_decoded == (coding or "")


def test_a_decoded_body_is_scrubbed_of_secrets_in_the_journal() -> None:
    """A secret inside a gzipped body is as visible to the scrubber as one in plain JSON."""
    fake, ticket = _note_fake()
    note = {"title": "t", "description": f"Secret: {CREDENTIALS['Secret']}", "noteType": 1, "publish": 1}
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        http.post(
            f"{BASE}/Tickets/{ticket}/Notes",
            content=gzip.compress(json.dumps(note).encode()),
            headers={**JSON_TYPE, "Content-Encoding": "gzip"},
        )
    assert CREDENTIALS["Secret"] not in json.dumps(fake.journal.to_dicts())


def test_read_body_keeps_what_the_api_would_refuse_as_it_came() -> None:
    refused = ApiRequest("POST", f"{BASE}/Tickets/1/Notes", (("Content-Encoding", "gzip"),), b"\x1f\x8bxx")
    assert read_body(refused) is refused
    packed = ApiRequest("POST", f"{BASE}/Tickets/1/Notes", (("Content-Encoding", "gzip"),), gzip.compress(b"{}"))
    assert (read_body(packed).body, read_body(packed).decoded) == (b"{}", "gzip")


def test_answers_are_not_compressed_whatever_the_client_accepts() -> None:
    fake, _ = _note_fake()
    with ServedFake(fake) as served, httpx.Client() as http:
        answer = http.post(
            f"{served.root_url}/ATServicesRest/V1.0/Tickets/query",
            content=QUERY,
            headers={**CREDENTIALS, **JSON_TYPE, "Accept-Encoding": "gzip, deflate, br"},
        )
    assert answer.status_code == 200
    assert "content-encoding" not in answer.headers

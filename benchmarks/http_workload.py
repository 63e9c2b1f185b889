"""What ``benchmarks/http.py`` sends: the calls it measures, the answers the floor and WireMock must serve
byte for byte, and the wrk scripts that ask for a different ticket on every request or run the mixed
integration workload. ``http.py`` itself starts the servers, runs wrk and reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fake_server import FakeAutotask, Limits
from fake_server.sample import sample_snapshot

HEADERS = {"ApiIntegrationCode": "BENCH", "UserName": "bench@example.invalid", "Secret": "bench"}
TICKET_ID = 600
GET_PATH = f"/ATServicesRest/V1.0/Tickets/{TICKET_ID}"
QUERY_PATH = "/ATServicesRest/V1.0/Tickets/query"
ZONE_PATH = "/ATServicesRest/V1.0/zoneInformation?user=bench@example.invalid"
NOTES_PATH = f"/ATServicesRest/V1.0/Tickets/{TICKET_ID}/Notes"
PUT_PATH = "/ATServicesRest/V1.0/Tickets"
TIME_QUERY_PATH = "/ATServicesRest/V1.0/TimeEntries/query"
NOTE = {"title": "Bench", "description": "A note from the benchmark.", "noteType": 1, "publish": 1}
# Tickets the mixed workload cycles through (its Lua script holds a whole PUT body for each).
MIXED_TICKETS = 300


def ticket_query(number: str) -> str:
    return json.dumps({"filter": [{"op": "eq", "field": "ticketNumber", "value": number}]})


def sample_fake() -> FakeAutotask:
    """The tenant ``serve --seed sample --no-limits`` serves, to read tickets and answers from."""
    fake = FakeAutotask(limits=Limits.off())
    fake.load_snapshot(sample_snapshot())
    return fake


def sample_ticket_numbers() -> list[str]:
    fake = sample_fake()
    return [str(ticket["ticketNumber"]) for ticket in fake.records("Tickets")]


def expected_bodies() -> tuple[dict[str, str], str]:
    """What the fake answers for every call, so the floor and WireMock serve identical bytes."""
    fake = sample_fake()
    query = ticket_query(fake.get("Tickets", TICKET_ID)["ticketNumber"])  # type: ignore[index]
    from fake_server import ApiRequest

    headers = (*HEADERS.items(), ("Content-Type", "application/json"))
    calls = [
        ("GET", GET_PATH, ""),
        ("POST", QUERY_PATH, query),
        ("GET", ZONE_PATH, ""),
        ("POST", NOTES_PATH, json.dumps(NOTE)),
        ("PUT", PUT_PATH, put_body(fake, TICKET_ID)),
        ("POST", TIME_QUERY_PATH, time_query(TICKET_ID)),
    ]
    bodies = {}
    for method, path, body in calls:
        answer = fake.handle(ApiRequest(method, f"http://127.0.0.1{path}", headers, body.encode()))
        if answer.status != 200:
            raise RuntimeError(f"the fake answers {method} {path} with {answer.status}: {answer.content()!r}")
        bodies[f"{method} {path}"] = answer.content().decode()
    return bodies, query


# The mixed workload's kinds of request, in the order an integration sends them about one ticket.
MIXED_KINDS = ("zone lookup", "query, new number", "GET", "note create", "PUT", "time-entry query")


def mixed_requests(fake: FakeAutotask) -> list[tuple[str, dict[str, Any], bytes]]:
    """(kind, ASGI scope, body) of every request of the mixed workload, ticket after ticket, as
    ``write_mixed_script`` has wrk send them, for the benchmarks that call the app without a server."""
    headers = [(name.lower().encode(), value.encode()) for name, value in HEADERS.items()]
    headers += [(b"host", b"127.0.0.1:8765"), (b"content-type", b"application/json")]
    note, base = json.dumps(NOTE).encode(), QUERY_PATH.rsplit("/", 2)[0]
    found: list[tuple[str, dict[str, Any], bytes]] = []
    for ticket_id in range(1, MIXED_TICKETS + 1):
        number = str(fake.get("Tickets", ticket_id)["ticketNumber"])  # type: ignore[index]
        requests = (
            ("GET", ZONE_PATH, b""),
            ("POST", QUERY_PATH, ticket_query(number).encode()),
            ("GET", f"{base}/Tickets/{ticket_id}", b""),
            ("POST", f"{base}/Tickets/{ticket_id}/Notes", note),
            ("PUT", PUT_PATH, put_body(fake, ticket_id).encode()),
            ("POST", TIME_QUERY_PATH, time_query(ticket_id).encode()),
        )
        for kind, (method, target, body) in zip(MIXED_KINDS, requests, strict=True):
            path, _, query = target.partition("?")
            scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "headers": headers}
            scope.update({"query_string": query.encode(), "scheme": "http", "server": ("127.0.0.1", 8765)})
            found.append((kind, scope, body))
    return found


def put_body(fake: FakeAutotask, ticket_id: int) -> str:
    """A PUT of the whole ticket as stored, its title changed."""
    return json.dumps({**fake.store.table("Tickets").get(ticket_id), "title": f"Bench {ticket_id}"})  # type: ignore[dict-item]


def time_query(ticket_id: int) -> str:
    return json.dumps({"filter": [{"op": "eq", "field": "ticketID", "value": ticket_id}]})


def write_varied_scripts(get_script: Path, query_script: Path) -> None:
    """wrk scripts that ask for a different sample ticket on every request, by id and by ticketNumber."""
    count = len(sample_ticket_numbers())
    get_script.write_text(
        "local n = 0\nrequest = function()\n"
        f"  n = n % {count} + 1\n"
        f'  return wrk.format("GET", "{GET_PATH.rsplit("/", 1)[0]}/" .. n)\nend\n',
        encoding="utf-8",
    )
    bodies = ",\n".join(json.dumps(ticket_query(number)) for number in sample_ticket_numbers())
    query_script.write_text(
        'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
        f"local bodies = {{\n{bodies}\n}}\nlocal n = 0\nrequest = function()\n"
        "  n = n % #bodies + 1\n"
        f'  return wrk.format("POST", "{QUERY_PATH}", nil, bodies[n])\nend\n',
        encoding="utf-8",
    )


def write_mixed_script(script: Path) -> None:
    """A wrk script sending, per sample ticket in turn, what an integration sends about one ticket."""
    fake = sample_fake()
    rows = []
    for ticket_id in range(1, MIXED_TICKETS + 1):
        number = str(fake.get("Tickets", ticket_id)["ticketNumber"])  # type: ignore[index]
        texts = (ticket_query(number), put_body(fake, ticket_id), time_query(ticket_id))
        rows.append("{" + ", ".join(json.dumps(text) for text in texts) + "}")
    tickets = ",\n".join(rows)
    base = QUERY_PATH.rsplit("/", 2)[0]
    script.write_text(
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"local tickets = {{\n{tickets}\n}}\nlocal n, step = 1, 0\nrequest = function()\n"
        "  step = step + 1\n"
        "  if step > 6 then step = 1; n = n % #tickets + 1 end\n"
        "  local t = tickets[n]\n"
        f'  if step == 1 then return wrk.format("GET", "{ZONE_PATH}") end\n'
        f'  if step == 2 then return wrk.format("POST", "{QUERY_PATH}", nil, t[1]) end\n'
        f'  if step == 3 then return wrk.format("GET", "{base}/Tickets/" .. n) end\n'
        f'  if step == 4 then return wrk.format("POST", "{base}/Tickets/" .. n .. "/Notes", nil, '
        f"{json.dumps(json.dumps(NOTE))}) end\n"
        f'  if step == 5 then return wrk.format("PUT", "{PUT_PATH}", nil, t[2]) end\n'
        f'  return wrk.format("POST", "{TIME_QUERY_PATH}", nil, t[3])\n'
        "end\n",
        encoding="utf-8",
    )

"""Each rule on the shapes real clients send: it fires on the breach in every spelling, and only on it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fake_server import FakeAutotask, TenantProfile
from harness.contract.client import AutotaskClient
from harness.rules import CONTRACT, WORKFLOW, RuleContext, Violation, check
from harness.traffic import load_traffic

from .conftest import BASE, CREDENTIALS, ticket_body

ROOT = "https://webservices19.autotask.net"
Steps = Callable[[httpx.Client, int], Any]


def _violations(
    steps: Steps, profile: str = "default", notes: int = 0, context: RuleContext | None = None
) -> list[Violation]:
    fake = FakeAutotask(profile)
    ticket = fake.seed("Tickets", ticket_body(0))
    for n in range(notes):
        fake.seed("TicketNotes", {"ticketID": ticket, "title": f"{n}", "description": "d"})
    fake.journal.clear()
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        steps(http, ticket)
    return check(load_traffic(fake.journal), (CONTRACT, WORKFLOW), context=context)


def _fired(steps: Steps, rule: str, **options: Any) -> list[Violation]:
    return [v for v in _violations(steps, **options) if v.rule == rule]


@pytest.mark.parametrize("path", ["/Tickets", "/Tickets/", "/Tickets/{id}", "/tickets/{id}/", "/TICKETS"])
def test_no_ticket_patch_catches_every_spelling_of_a_ticket_path(path: str) -> None:
    def steps(http: httpx.Client, ticket: int) -> None:
        http.patch(BASE + path.format(id=ticket), json={"id": ticket, "title": "x"})

    assert len(_fired(steps, "no-ticket-patch")) == 1


def test_no_ticket_patch_leaves_child_updates_alone() -> None:
    def steps(http: httpx.Client, ticket: int) -> None:
        http.patch(f"{BASE}/Tickets/{ticket}/Notes", json={"id": 1, "title": "x"})

    assert _fired(steps, "no-ticket-patch") == []


@pytest.mark.parametrize(
    ("profile", "said"),
    [("default", "refused it (405) and changed nothing"), ("documented", "this tenant accepted it")],
)
def test_no_ticket_patch_says_what_the_tenant_did(profile: str, said: str) -> None:
    def steps(http: httpx.Client, ticket: int) -> None:
        http.patch(f"{BASE}/Tickets", json={"id": ticket, "title": "x"})

    [violation] = _fired(steps, "no-ticket-patch", profile=profile)
    assert said in violation.message


@pytest.mark.parametrize(
    ("method", "path", "fires"),
    [
        ("POST", "/TicketNotes", True),
        ("POST", "/Tickets/{id}/TicketNotes", True),
        ("POST", "/Tickets/{id}/TicketNotes/query", True),
        ("GET", "/tickets/{id}/ticketnotes", True),
        ("POST", "/Tickets/{id}/Notes", False),
        ("POST", "/TicketNotes/query", False),
        ("GET", "/Tickets/{id}/Notes", False),
    ],
)
def test_notes_via_ticket_knows_the_one_note_route(method: str, path: str, fires: bool) -> None:
    def steps(http: httpx.Client, ticket: int) -> None:
        body = (
            {"filter": [{"op": "eq", "field": "ticketID", "value": ticket}]}
            if "query" in path
            else {"ticketID": ticket, "title": "t", "description": "d", "noteType": 1, "publish": 1}
        )
        http.request(method, BASE + path.format(id=ticket), json=None if method == "GET" else body)

    assert bool(_fired(steps, "notes-via-ticket")) is fires


ALL_NOTES = [{"op": "exist", "field": "id"}]


def _keyset(http: httpx.Client, ticket: int) -> None:
    # As apigrate and autotask-client users page: the same filter from the last id on, MaxRecords 500.
    last = 0
    while True:
        page = http.post(
            f"{BASE}/TicketNotes/query",
            json={"MaxRecords": 500, "filter": [*ALL_NOTES, {"op": "gt", "field": "id", "value": last}]},
        ).json()
        if not page["items"]:
            return
        last = page["items"][-1]["id"]


def _reencoded(http: httpx.Client, ticket: int) -> None:
    # django-autotask's HTTP library re-encodes the nextPageUrl's %7b as %7B; same page, other bytes.
    page = http.get(f"{BASE}/TicketNotes/query", params={"search": '{"filter":[{"op":"exist","field":"id"}]}'})
    while next_url := page.json()["pageDetails"]["nextPageUrl"]:
        assert "%7b" in next_url
        page = http.get(next_url.replace("%7b", "%7B").replace("%7d", "%7D").replace("/V1.0/", "/v1.0/"))


def _bodyless_next(http: httpx.Client, ticket: int) -> None:
    # go-autotask POSTs nextPageUrl without the query body: the API refuses it, the rest stays unread.
    page = http.post(f"{BASE}/TicketNotes/query", json={"filter": ALL_NOTES}).json()
    assert http.post(page["pageDetails"]["nextPageUrl"]).status_code == 500


def _first_page_only(http: httpx.Client, ticket: int) -> None:
    http.post(f"{BASE}/TicketNotes/query", json={"filter": ALL_NOTES})


def _asked_for_ten(http: httpx.Client, ticket: int) -> None:
    http.post(f"{BASE}/TicketNotes/query", json={"MaxRecords": 10, "filter": ALL_NOTES})


def _reference(http: httpx.Client, ticket: int) -> None:
    assert len(list(AutotaskClient(BASE, "u", "s", "c", http=http).query("TicketNotes", ALL_NOTES))) == 1200


@pytest.mark.parametrize(
    ("steps", "fires"),
    [
        (_keyset, False),
        (_reencoded, False),
        (_reference, False),
        (_asked_for_ten, False),
        (_bodyless_next, True),
        (_first_page_only, True),
    ],
    ids=[
        "keyset paging",
        "re-encoded nextPageUrl",
        "nextPageUrl verbatim",
        "MaxRecords 10",
        "bodyless POST of nextPageUrl",
        "first page only",
    ],
)
def test_follow_next_page_fires_only_when_records_were_left_unread(steps: Steps, fires: bool) -> None:
    assert bool(_fired(steps, "follow-next-page", notes=1200)) is fires


@pytest.mark.parametrize(
    ("url", "fires"),
    [
        (f"{ROOT}/atservicesrest/v1.0/zoneInformation?user=a@example.invalid", False),
        (f"{ROOT}/atservicesrest/versioninformation", False),
        (f"{BASE.replace('V1.0', 'v1.0')}/Tickets/{{id}}", False),
        (f"{ROOT}/atservicesrest/V1.0/Tickets/{{id}}", True),
        (f"{ROOT}/AtServicesRest/v1.0/ThresholdInformation", True),
    ],
)
def test_exact_base_path_flags_what_seed_004s_tenant_refuses(url: str, fires: bool) -> None:
    def steps(http: httpx.Client, ticket: int) -> None:
        answer = http.get(url.format(id=ticket))
        assert (answer.status_code == 404) is fires  # the rule and the fake agree

    assert bool(_fired(steps, "exact-base-path")) is fires


def test_exact_base_path_is_quiet_for_a_tenant_that_takes_any_casing() -> None:
    def steps(http: httpx.Client, ticket: int) -> None:
        assert http.get(f"{ROOT}/atservicesrest/V1.0/Tickets/{ticket}").status_code == 200

    context = RuleContext.for_profile(TenantProfile.load("documented"))
    assert _fired(steps, "exact-base-path", profile="documented", context=context) == []


def test_no_implicit_status_change_judges_a_patch_as_it_says() -> None:
    def steps(http: httpx.Client, ticket: int) -> None:
        http.get(f"{BASE}/Tickets/{ticket}")
        http.patch(f"{BASE}/Tickets", json={"id": ticket, "status": 8, "title": "changed too"})

    [violation] = _fired(steps, "no-implicit-status-change", profile="documented")
    assert "title" in violation.message


def test_ticket_number_via_query_leaves_a_sync_that_reads_by_id_alone() -> None:
    def sync(http: httpx.Client, ticket: int) -> None:
        http.get(f"{BASE}/Tickets/{ticket}")
        http.post(
            f"{BASE}/Tickets/{ticket}/Notes", json={"title": "t", "description": "d", "noteType": 1, "publish": 1}
        )

    assert _fired(sync, "ticket-number-via-query") == []


def test_swagger_model_plumbing_is_read_and_ignored_by_fake_and_rule_alike() -> None:
    # panoramicdata/AutoTask.Psa.Api (and other swagger-generated clients) write "soapParentPropertyId": null
    # on every note: the official TicketNoteModel has it (readOnly), so the API binds and ignores it.
    answers: list[httpx.Response] = []

    def steps(http: httpx.Client, ticket: int) -> None:
        answers.append(
            http.post(
                f"{BASE}/Tickets/{ticket}/Notes",
                json={"title": "t", "description": "d", "noteType": 1, "publish": 1, "soapParentPropertyId": None},
            )
        )
        answers.append(
            http.post(
                f"{BASE}/Tickets/{ticket}/Notes",
                json={"title": "t", "description": "d", "noteType": 1, "publish": 1, "soapParentProperty": None},
            )
        )

    fired = _fired(steps, "known-fields-only")
    created, typo = answers
    assert created.status_code == 200 and created.json()["itemId"] > 0
    assert typo.status_code == 500
    assert typo.json()["errors"] == ["Unable to find the field soapParentProperty on the TicketNotes entity."]
    assert [(v.exchanges, v.details["fields"]) for v in fired] == [((2,), ["soapParentProperty"])]


@pytest.mark.parametrize(("coding", "packed"), [("gzip", True), ("deflate", True), ("gzip", False), ("x-gzip", False)])
def test_body_matches_content_encoding_fires_only_on_a_label_that_lies(coding: str, packed: bool) -> None:
    import gzip
    import zlib

    def steps(http: httpx.Client, ticket: int) -> None:
        body = json.dumps({"title": "t", "description": "d", "noteType": 1, "publish": 1}).encode()
        if packed:
            body = gzip.compress(body) if coding == "gzip" else zlib.compress(body)
        headers = {"Content-Type": "application/json", "Content-Encoding": coding}
        http.post(f"{BASE}/Tickets/{ticket}/Notes", content=body, headers=headers)

    fired = _fired(steps, "body-matches-content-encoding")
    assert len(fired) == (0 if packed else 1)
    if fired:
        assert "500 on a child endpoint" in fired[0].message

"""A bounded Schemathesis run against the fake's ASGI app, from the official swagger's Tickets operations.

The schema is ``tests/data/autotask-swagger-tickets.json``: five operations cut from the official swagger
with the definitions they reference (``tests/data/extract_swagger.py`` says how). Schemathesis generates
valid and invalid requests (positive and negative modes) with a fixed seed and a bounded number of
examples; the auth headers are fixed. Every answer must be JSON, never the fake's catch-all
"An unexpected error has occurred.", every 5xx must carry the API's ``{"errors": [...]}`` envelope, and an
answer that is an error must leave the tenant's state as it was.

The swagger's own conformance checks are not run: the real API answers validation errors with 500 (the docs'
error handling; clients' reports, such as WYRE-AI/msp-claude-plugins #32), which the swagger does not list,
and its models do not mark nullable fields,
while the API answers ``null`` for every unset one.
"""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import Case, CheckContext, CheckFunction, Response
from schemathesis.errors import FailureGroup

from fake_server import FakeAutotask, Limits
from fake_server.sample import sample_snapshot

from .conftest import CREDENTIALS

SCHEMA_PATH = Path(__file__).parent / "data" / "autotask-swagger-tickets.json"
# Fixed, so every run sends the same requests; AUTOTASK_SCHEMATHESIS_SEED / _EXAMPLES explore further.
SEED = int(os.environ.get("AUTOTASK_SCHEMATHESIS_SEED", "20260323"))
MAX_EXAMPLES = int(os.environ.get("AUTOTASK_SCHEMATHESIS_EXAMPLES", "30"))
CATCH_ALL = "An unexpected error has occurred."

# The sample tenant, cut to 20 tickets: every example snapshots the whole store twice.
TENANT = sample_snapshot(tickets=20)
FAKE = FakeAutotask(limits=Limits.off())
FAKE.load_snapshot(TENANT)
TICKET_IDS = sorted(FAKE.snapshot()["Tickets"])


def _whole_ticket(ticket_id: int) -> dict[str, Any]:
    ticket = FAKE.get("Tickets", ticket_id)
    assert ticket is not None  # the id is the snapshot's own
    return ticket


# Whole records as GET answers them: a PUT or POST of one is accepted, so a body built on one gets past the
# first check and meets the later ones (references, picklists, dates), where a half-applied write would hide.
TICKETS = {ticket_id: _whole_ticket(ticket_id) for ticket_id in TICKET_IDS}
QUERY = {"filter": [{"op": "exist", "field": "id"}], "maxRecords": 5}
NOTE = {k: v for k, v in (FAKE.get("TicketNotes", 1) or {}).items() if k not in ("id", "ticketID")}

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        # Positive and negative examples; no example database, so nothing replays from an earlier run.
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "database": "none"},
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "parameters": {
            **{f"header.{name}": value for name, value in CREDENTIALS.items()},
            # Half the ids name a sample ticket, so reads, updates and notes meet real records too.
            "path.id": {"dictionary": "ticket_ids", "probability": 0.5},
            "path.parentId": {"dictionary": "ticket_ids", "probability": 0.5},
            # And half the impersonations name a real resource, so writes get past the header check.
            "header.ImpersonationResourceId": {"dictionary": "resource_ids", "probability": 0.5},
        },
        "dictionaries": {
            "ticket_ids": {"values": TICKET_IDS},
            "resource_ids": {"values": [str(i) for i in sorted(FAKE.snapshot()["Resources"])]},
        },
    }
)
SCHEMA = schemathesis.openapi.from_path(SCHEMA_PATH, config=CONFIG)
SCHEMA.app = FAKE.asgi_app

_fresh_for: list[str] = []


@SCHEMA.hook("flatmap_body")
def _on_a_real_record(ctx: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    """Half the bodies: a whole sample record with up to three of the generated fields laid over it."""
    operation = ctx.operation
    if not isinstance(body, dict) or operation is None:
        return st.just(body)
    fields = sorted(body)
    bases: st.SearchStrategy[dict[str, Any]]
    if operation.path.endswith("/query"):
        bases = st.just(QUERY)
    elif operation.path.endswith("/Notes"):
        bases = st.just(NOTE)
    elif operation.method.upper() == "PUT":
        bases = st.sampled_from(TICKET_IDS).map(lambda ticket_id: TICKETS[ticket_id])
    else:
        bases = st.sampled_from(TICKET_IDS).map(lambda ticket_id: {**TICKETS[ticket_id], "id": 0})
    overlaid = st.tuples(
        bases, st.lists(st.sampled_from(fields), max_size=3, unique=True) if fields else st.just([])
    ).map(lambda pair: {**(pair[0] or {}), **{k: body[k] for k in pair[1]}})
    return st.one_of(st.just(body), overlaid)


# Defects the run finds in code this test does not own: (operation label, regex on the failure report, reason).
# A failure that matches is reported as xfail, with its reason, instead of failing the run; any other failure
# fails it. Empty: the run at the fixed seed, and exploratory runs of 500 examples per operation at three other
# seeds, found none (see the report of the change that added this file).
KNOWN_FAILURES: list[tuple[str, str, str]] = []

_before: dict[int, Any] = {}


def _body(response: Response) -> Any:
    try:
        return json.loads(response.content)
    except ValueError:
        raise AssertionError(f"[{response.status_code}] the answer is not JSON: {response.content[:200]!r}") from None


def answers_json(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    _body(response)
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), f"Content-Type {content_type!r}"


def no_catch_all(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    body = _body(response)
    assert not (isinstance(body, dict) and CATCH_ALL in body.get("errors", [])), (
        f"[{response.status_code}] the fake's catch-all answer: {body}"
    )


def server_errors_in_envelope(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    if response.status_code < 500:
        return
    body = _body(response)
    assert (
        isinstance(body, dict)
        and set(body) == {"errors"}
        and isinstance(body["errors"], list)
        and body["errors"]
        and all(isinstance(e, str) for e in body["errors"])
    ), f"[{response.status_code}] not the API's error envelope: {body}"


def state_kept_after_error(ctx: CheckContext, response: Response, case: Case[Any]) -> None:
    before = _before.pop(id(case), None)
    if response.status_code < 400 or before is None:
        return
    after = FAKE.snapshot()
    changed = sorted(entity for entity in set(before) | set(after) if before.get(entity) != after.get(entity))
    assert not changed, f"[{response.status_code}] an error answer changed {changed}: {_body(response)}"


CHECKS: list[CheckFunction] = [answers_json, no_catch_all, server_errors_in_envelope, state_kept_after_error]


@SCHEMA.parametrize()
def test_fake_answers_generated_requests_in_the_api_envelope(case: Case[Any]) -> None:
    if _fresh_for[-1:] != [case.operation.label]:  # each operation starts from the sample tenant, so that a
        _fresh_for.append(case.operation.label)  # run does not depend on which tests shared the worker
        FAKE.reset()
        FAKE.load_snapshot(TENANT)
    _before[id(case)] = FAKE.snapshot()
    response = case.call()
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as failures:
        report = str(failures)
        for label, pattern, reason in KNOWN_FAILURES:
            if label == case.operation.label and re.search(pattern, report):
                pytest.xfail(f"known defect: {reason}")
        raise


# -- the checks have teeth ----------------------------------------------------------------------------


def _ticket_case() -> Case[Any]:
    return SCHEMA["/V1.0/Tickets/{id}"]["GET"].Case(path_parameters={"id": TICKET_IDS[0]}, headers=dict(CREDENTIALS))


def _answer(status: int, body: bytes, content_type: str = "application/json; charset=utf-8") -> httpx.Response:
    request = httpx.Request("GET", f"http://localhost/ATServicesRest/V1.0/Tickets/{TICKET_IDS[0]}")
    response = httpx.Response(status, content=body, headers={"Content-Type": content_type}, request=request)
    response.elapsed = timedelta(0)  # as a transport sets it
    return response


@pytest.mark.parametrize(
    ("status", "body", "content_type", "complaint"),
    [
        (200, b"<html>oops</html>", "text/html", "not JSON"),
        (200, b'{"item": null}', "text/plain", "Content-Type"),
        (500, json.dumps({"errors": [CATCH_ALL]}).encode(), "application/json", "catch-all"),
        (503, b'{"Message": "Service Unavailable"}', "application/json", "error envelope"),
        (500, b'{"errors": []}', "application/json", "error envelope"),
        (502, b'{"errors": [{"message": "x"}]}', "application/json", "error envelope"),
    ],
)
def test_each_check_fails_the_answer_it_is_for(status: int, body: bytes, content_type: str, complaint: str) -> None:
    case = _ticket_case()
    with pytest.raises(FailureGroup, match=complaint):
        case.validate_response(_answer(status, body, content_type), checks=CHECKS)


def test_an_error_that_changed_the_state_fails_and_one_that_did_not_passes() -> None:
    case = _ticket_case()
    error = _answer(500, b'{"errors": ["No."]}')
    _before[id(case)] = FAKE.snapshot()
    case.validate_response(error, checks=CHECKS)
    changed = FAKE.snapshot()
    changed["Tickets"][TICKET_IDS[0]] = {**changed["Tickets"][TICKET_IDS[0]], "title": "changed behind the answer"}
    _before[id(case)] = changed
    with pytest.raises(FailureGroup, match=r"an error answer changed \['Tickets'\]"):
        case.validate_response(error, checks=CHECKS)


def test_the_checks_see_the_fake_through_the_asgi_app() -> None:
    case = _ticket_case()
    FAKE.inject_fault(status=500, errors=[CATCH_ALL], times=1, path=r"/Tickets/\d+$")
    try:
        with pytest.raises(FailureGroup, match="catch-all"):
            case.call_and_validate(checks=CHECKS)
    finally:
        FAKE.gate.clear_faults()
    assert case.call_and_validate(checks=CHECKS).status_code == 200

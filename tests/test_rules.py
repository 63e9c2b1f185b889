"""The contract rules on journals: each rule fires on the breach it names and stays quiet on the contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from fake_server import FakeAutotask
from harness.cli.app import app
from harness.contract.client import AutotaskClient
from harness.rules import CONTRACT, RECEIVER, REGISTRY, WORKFLOW, check
from harness.rules.settings import Settings, load_settings
from harness.traffic import load_traffic

from .conftest import BASE, ticket_body, traffic_of

ALL_PACKS = (CONTRACT, WORKFLOW)


def _rules(traffic: list[Any]) -> set[str]:
    return {v.rule for v in check(traffic, ALL_PACKS)}


@pytest.fixture
def seeded(fake: FakeAutotask) -> tuple[FakeAutotask, int, str]:
    ticket = fake.seed("Tickets", ticket_body(0))
    fake.journal.clear()
    return fake, ticket, fake.get("Tickets", ticket)["ticketNumber"]  # type: ignore[index]


def test_every_rule_has_an_id_statement_source_and_pack() -> None:
    assert len(REGISTRY) >= 17
    for rule in REGISTRY.values():
        assert rule.id and rule.statement.endswith(".") and rule.source and rule.pack in (*ALL_PACKS, RECEIVER)


def test_a_rule_id_is_written_once_and_stamped_on_its_violations() -> None:
    # The id lives in @rule only; Rule.run attributes each Finding to the rule that made it.
    rules = Path(__file__).parent.parent / "harness" / "rules"
    sources = "".join(path.read_text() for path in rules.glob("*.py"))
    for rule_id in REGISTRY:
        assert sources.count(f'"{rule_id}"') == 1, rule_id
    traffic = traffic_of(FakeAutotask(), lambda http: http.patch(f"{BASE}/Tickets", json={"id": 1, "status": 5}))
    [violation] = REGISTRY["no-ticket-patch"].run(traffic)
    assert violation.rule == "no-ticket-patch" and violation.exchanges == (1,)


def test_one_model_of_a_finding_serves_the_rules_and_the_contract_scenarios() -> None:
    import harness.contract.suite
    from harness.rules import Violation

    assert not hasattr(harness.contract.suite, "Finding"), "a scenario's findings are the rules' Violations"
    assert (
        harness.contract.suite.Outcome().passed and not harness.contract.suite.Outcome([Violation("x", "seen")]).passed
    )
    assert Violation("note-added", "no note").line() == "[note-added] no note"
    assert Violation("x", "seen", (2, 5)).line() == "[x] seen (exchanges 2, 5)"


def test_reference_client_traffic_breaks_no_rule(seeded: tuple[FakeAutotask, int, str]) -> None:
    fake, _, number = seeded
    with fake.mock():
        AutotaskClient(BASE, "u", "s", "c").resolve(number, "note", "fixed")
    assert check(load_traffic(fake.journal), ALL_PACKS) == []


def _get(http: httpx.Client, ticket: int) -> dict[str, Any]:
    item: dict[str, Any] = http.get(f"{BASE}/Tickets/{ticket}").json()["item"]
    return item


CASES: list[tuple[str, Any]] = [
    ("no-ticket-patch", lambda http, t, n: http.patch(f"{BASE}/Tickets", json={"id": t, "title": "x"})),
    ("notes-via-ticket", lambda http, t, n: http.post(f"{BASE}/TicketNotes", json={"ticketID": t})),
    ("fresh-get-before-put", lambda http, t, n: http.put(f"{BASE}/Tickets", json=ticket_body(0, id=t))),
    (
        "put-carries-stabilising-fields",
        lambda http, t, n: (_get(http, t), http.put(f"{BASE}/Tickets", json={"id": t, "resolution": "x"})),
    ),
    ("no-null-overwrite", lambda http, t, n: http.put(f"{BASE}/Tickets", json={**_get(http, t), "description": None})),
    (
        "put-keeps-unsent-fields",
        lambda http, t, n: http.put(
            f"{BASE}/Tickets", json={k: v for k, v in _get(http, t).items() if k != "description"}
        ),
    ),
    (
        "no-implicit-status-change",
        lambda http, t, n: http.put(f"{BASE}/Tickets", json={**_get(http, t), "status": 8, "title": "changed too"}),
    ),
    ("numeric-ticket-id-in-url", lambda http, t, n: http.get(f"{BASE}/Tickets/{n}")),
    (
        "exact-base-path",
        lambda http, t, n: http.get(f"https://webservices19.autotask.net/atservicesrest/v1.0/Tickets/{t}"),
    ),
    (
        "create-without-id",
        lambda http, t, n: http.post(f"{BASE}/ContactGroups", json={"id": 9, "name": "g", "isActive": True}),
    ),
    ("known-fields-only", lambda http, t, n: http.post(f"{BASE}/ContactGroups", json={"name": "g", "colour": 1})),
    (
        "max-records-500",
        lambda http, t, n: http.post(
            f"{BASE}/Tickets/query", json={"MaxRecords": 1000, "filter": [{"op": "exist", "field": "id"}]}
        ),
    ),
    (
        "complete-only-without-time-entries",
        lambda http, t, n: http.put(f"{BASE}/Tickets", json={**_get(http, t), "status": 5}),
    ),
    (
        "ticket-number-via-query",
        lambda http, t, n: (
            _get(http, t),
            http.post(f"{BASE}/TimeEntries/query", json={"filter": [{"op": "eq", "field": "ticketID", "value": t}]}),
            http.put(f"{BASE}/Tickets", json={**_get(http, t), "status": 5}),
        ),
    ),
    (
        "known-query-operators",
        lambda http, t, n: http.post(
            f"{BASE}/Tickets/query", json={"filter": [{"op": "ne", "field": "status", "value": 5}]}
        ),
    ),
    (
        "filter-values-given",
        lambda http, t, n: http.post(f"{BASE}/Tickets/query", json={"filter": [{"op": "eq", "field": "priority"}]}),
    ),
    (
        "known-query-fields",
        lambda http, t, n: http.post(
            f"{BASE}/TimeEntries/query", json={"filter": [{"op": "eq", "field": "projectID", "value": 9}]}
        ),
    ),
    ("required-fields-sent", lambda http, t, n: http.post(f"{BASE}/Tickets/{t}/Notes", json={"title": "t"})),
]


@pytest.mark.parametrize(("rule_id", "steps"), CASES, ids=[c[0] for c in CASES])
def test_rule_fires_on_its_breach(seeded: tuple[FakeAutotask, int, str], rule_id: str, steps: Any) -> None:
    fake, ticket, number = seeded
    traffic = traffic_of(fake, lambda http: steps(http, ticket, number))
    assert rule_id in _rules(traffic)


def test_resolve_with_completing_status_fires_on_status_8(seeded: tuple[FakeAutotask, int, str]) -> None:
    fake, ticket, _ = seeded

    def steps(http: httpx.Client) -> None:
        http.post(f"{BASE}/TimeEntries/query", json={"filter": [{"op": "eq", "field": "ticketID", "value": ticket}]})
        http.put(f"{BASE}/Tickets", json={**_get(http, ticket), "status": 8})

    assert "resolve-with-completing-status" in _rules(traffic_of(fake, steps))


def test_follow_next_page_fires_when_the_next_page_is_never_read(fake: FakeAutotask) -> None:
    ticket = fake.seed("Tickets", ticket_body(0))
    for n in range(501):
        fake.seed("TicketNotes", {"ticketID": ticket, "title": f"{n}", "description": "d", "noteType": 1, "publish": 1})
    traffic = traffic_of(
        fake, lambda http: http.post(f"{BASE}/TicketNotes/query", json={"filter": [{"op": "exist", "field": "id"}]})
    )
    assert "follow-next-page" in _rules(traffic)
    fake.journal.clear()
    with fake.mock():
        notes = list(AutotaskClient(BASE, "u", "s", "c").query("TicketNotes", [{"op": "exist", "field": "id"}]))
    assert len(notes) == 501
    assert "follow-next-page" not in _rules(load_traffic(fake.journal))


def test_back_off_after_429_compares_request_times() -> None:
    def exchange(position: int, status: int, at: float) -> dict[str, Any]:
        return {"method": "GET", "url": f"{BASE}/Companies/0", "status": status, "started_at": at}

    hasty = load_traffic([exchange(1, 429, 100.0), exchange(2, 200, 100.2)])
    patient = load_traffic([exchange(1, 429, 100.0), exchange(2, 200, 101.5)])
    assert "back-off-after-429" in _rules(hasty)
    assert "back-off-after-429" not in _rules(patient)


def test_violations_name_the_offending_exchanges(seeded: tuple[FakeAutotask, int, str]) -> None:
    fake, ticket, _ = seeded
    traffic = traffic_of(
        fake, lambda http: (http.get(f"{BASE}/Companies/0"), http.patch(f"{BASE}/Tickets", json={"id": ticket}))
    )
    violation = next(v for v in check(traffic) if v.rule == "no-ticket-patch")
    assert violation.exchanges == (2,)


def test_rules_can_be_switched_off_with_a_reason(seeded: tuple[FakeAutotask, int, str]) -> None:
    fake, ticket, _ = seeded
    traffic = traffic_of(fake, lambda http: http.patch(f"{BASE}/Tickets", json={"id": ticket}))
    assert "no-ticket-patch" not in {v.rule for v in check(traffic, disabled={"no-ticket-patch": "tenant allows"})}
    with pytest.raises(ValueError, match="no rule named"):
        check(traffic, disabled={"no-such-rule": "typo"})
    with pytest.raises(ValueError, match="RULE=REASON"):
        Settings().with_disabled(["no-ticket-patch"])


def test_settings_come_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.autotask-harness]\npacks = ["contract", "resolution-workflow"]\n'
        '[tool.autotask-harness.disable]\n"max-records-500" = "our proxy pages for us"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path)
    assert settings.packs == ("contract", "resolution-workflow")
    assert settings.disabled == {"max-records-500": "our proxy pages for us"}


# -- autotask-harness check ------------------------------------------------------------------------------


@pytest.fixture
def journal_file(tmp_path: Path, seeded: tuple[FakeAutotask, int, str]) -> Path:
    fake, ticket, _ = seeded
    path = tmp_path / "journal.jsonl"
    fake.journal.stream_to(path)
    traffic_of(fake, lambda http: http.patch(f"{BASE}/Tickets", json={"id": ticket, "title": "x"}))
    fake.journal.close()
    return path


def test_check_text_report_and_exit_code(journal_file: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(journal_file)])
    assert result.exit_code == 1
    assert "no-ticket-patch" in result.output and "Postman contract §0.1" in result.output


def test_check_json_and_junit_reports(journal_file: Path) -> None:
    as_json = CliRunner().invoke(app, ["check", str(journal_file), "--format", "json"])
    data = json.loads(as_json.output)
    assert [v["rule"] for v in data["violations"]] == ["no-ticket-patch"]
    assert data["violations"][0]["exchanges"] == [1]
    junit = CliRunner().invoke(app, ["check", str(journal_file), "--format", "junit"])
    assert junit.exit_code == 1
    assert '<testcase classname="autotask.contract" name="no-ticket-patch"><failure' in junit.output


def test_check_passes_clean_traffic_and_honours_disable(journal_file: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(journal_file), "--disable", "no-ticket-patch=allowed here"])
    assert result.exit_code == 0
    assert "switched off" in result.output


# -- query mistakes production answers without an error, or with a 500 no other rule names --------------------


def _query(fake: FakeAutotask, model: dict[str, Any], how: str = "POST", path: str = "/Tickets/query") -> Any:
    def steps(http: httpx.Client) -> None:
        if how == "GET":
            http.get(BASE + path, params={"search": json.dumps(model)})
        else:
            http.post(BASE + path, json=model)

    return check(traffic_of(fake, steps), ALL_PACKS)


NESTED_NE = {
    "filter": [
        {"op": "eq", "field": "companyID", "value": 0},
        {
            "op": "or",
            "items": [
                {"op": "eq", "field": "priority", "value": 1},
                {
                    "op": "and",
                    "items": [{"op": "exist", "field": "title"}, {"Op": "ne", "Field": "status", "Value": 5}],
                },
            ],
        },
    ]
}


@pytest.mark.parametrize(
    ("how", "path"),
    [
        ("POST", "/Tickets/query"),
        ("GET", "/Tickets/query"),
        ("POST", "/Tickets/query/count"),
        ("GET", "/tickets/query/count"),
    ],
)
def test_known_query_operators_finds_a_wrong_op_at_any_depth_in_bodies_and_search(
    fake: FakeAutotask, how: str, path: str
) -> None:
    [violation] = [v for v in _query(fake, NESTED_NE, how, path) if v.rule == "known-query-operators"]
    assert violation.details["where"] == "filter[1].items[1].items[1]"
    assert "production drops the clause" in violation.message and "200" in violation.message


@pytest.mark.parametrize("op", ["neq", "like", "equals", "startsWith", "isNull", "between", "", None])
def test_known_query_operators_names_each_unknown_operator(fake: FakeAutotask, op: str | None) -> None:
    clause: dict[str, Any] = {"field": "title", "value": "x"} | ({} if op is None else {"op": op})
    fired = [v for v in _query(fake, {"filter": [clause]}) if v.rule == "known-query-operators"]
    assert [v.details["op"] for v in fired] == [op]


def test_known_query_operators_says_a_miscased_operator_is_unverified(fake: FakeAutotask) -> None:
    [violation] = [
        v
        for v in _query(fake, {"filter": [{"op": "beginswith", "field": "title", "value": "P"}]})
        if v.rule == "known-query-operators"
    ]
    assert "'beginsWith'" in violation.message and "unverified" in violation.message


def test_every_documented_operator_passes_the_query_rules(fake: FakeAutotask) -> None:
    model = {
        "filter": [
            {"op": "eq", "field": "status", "value": 1},
            {"op": "noteq", "field": "status", "value": 5},
            {"op": "gt", "field": "id", "value": 0},
            {"op": "gte", "field": "id", "value": 0},
            {"op": "lt", "field": "priority", "value": 9},
            {"op": "lte", "field": "priority", "value": 9},
            {
                "op": "or",
                "items": [
                    {"op": "beginsWith", "field": "title", "value": "P"},
                    {"op": "endsWith", "field": "title", "value": "e"},
                    {"op": "contains", "field": "TITLE", "value": "n"},
                ],
            },
            {"op": "and", "items": [{"op": "exist", "field": "title"}, {"op": "notExist", "field": "resolution"}]},
            {"op": "in", "field": "priority", "value": [1, 2]},
            {"op": "notIn", "field": "priority", "value": []},
            {"op": "eq", "field": "External Reference", "udf": True, "value": "x"},
        ],
        "IncludeFields": ["id", "Title", "ticketNumber"],
    }
    assert _query(fake, model) == []


@pytest.mark.parametrize(
    ("clause", "fires"),
    [
        ({"op": "eq", "field": "priority"}, True),  # django-autotask's isActive clause, as it sends it
        ({"op": "noteq", "field": "priority", "value": None}, True),
        ({"op": "contains", "field": "title"}, True),
        ({"op": "in", "field": "priority", "value": 2}, True),
        ({"op": "notIn", "field": "priority"}, True),
        ({"op": "eq", "field": "priority", "value": 0}, False),  # a falsy value is a value
        ({"op": "eq", "field": "title", "value": ""}, False),
        ({"op": "eq", "field": "isVisibleToComanaged", "value": False}, False),
        ({"op": "exist", "field": "title"}, False),
        ({"op": "ne", "field": "title"}, False),  # an unknown op is known-query-operators' to judge
    ],
)
def test_filter_values_given_flags_comparisons_without_a_value(
    fake: FakeAutotask, clause: dict[str, Any], fires: bool
) -> None:
    fired = [v for v in _query(fake, {"filter": [{"op": "or", "items": [clause]}]}) if v.rule == "filter-values-given"]
    assert bool(fired) is fires


@pytest.mark.parametrize(
    ("entity", "model", "named"),
    [
        # WYRE-AI/autotask-mcp PR #282, live: "Unable to find projectID in the TimeEntry Entity", a 500
        ("TimeEntries", {"filter": [{"op": "eq", "field": "projectID", "value": 9}]}, "projectID (filter[0]: no such"),
        ("Tickets", {"filter": [{"op": "exist", "field": "creatorType"}]}, "creatorType (filter[0]: not queryable"),
        ("TimeEntries", {"filter": [{"op": "exist", "field": "id"}], "includeFields": ["id", "hours"]}, "hours (Inc"),
    ],
)
def test_known_query_fields_names_what_the_entity_lacks(
    fake: FakeAutotask, entity: str, model: dict[str, Any], named: str
) -> None:
    [violation] = [v for v in _query(fake, model, path=f"/{entity}/query") if v.rule == "known-query-fields"]
    assert named in violation.message and violation.message.startswith(f"{entity} query names")


@pytest.mark.parametrize("size", [0, 501, "abc", 500.5, "600", True])
def test_max_records_500_flags_every_value_the_api_refuses(fake: FakeAutotask, size: Any) -> None:
    model = {"filter": [{"op": "exist", "field": "id"}], "MaxRecords": size}
    fired = [v for v in _query(fake, model) if v.rule == "max-records-500"]
    assert len(fired) == 1 and "production answers 500" in fired[0].message


@pytest.mark.parametrize("size", [1, 500, "10", None])
def test_max_records_500_accepts_what_the_api_takes(fake: FakeAutotask, size: Any) -> None:
    model = {"filter": [{"op": "exist", "field": "id"}], "MaxRecords": size}
    assert [v for v in _query(fake, model) if v.rule == "max-records-500"] == []


def test_a_put_changing_priority_on_purpose_after_a_fresh_get_breaks_no_rule(
    seeded: tuple[FakeAutotask, int, str],
) -> None:
    # The Postman contract §4: copy the fields from a fresh GET and change the intended ones. The rule once called the
    # changed priority a breach.
    fake, ticket, _ = seeded
    traffic = traffic_of(fake, lambda http: http.put(f"{BASE}/Tickets", json={**_get(http, ticket), "priority": 1}))
    assert traffic[-1].status == 200
    assert check(traffic, ALL_PACKS) == []


def test_required_fields_sent_takes_the_parent_id_from_a_child_url(seeded: tuple[FakeAutotask, int, str]) -> None:
    fake, ticket, _ = seeded
    note = {"title": "t", "description": "d", "noteType": 1, "publish": 1}
    traffic = traffic_of(
        fake,
        lambda http: (
            http.post(f"{BASE}/Tickets/{ticket}/Notes", json=note),
            http.post(f"{BASE}/Tickets/{ticket}/Notes", json={**note, "publish": None}),
        ),
    )
    assert [t.status for t in traffic] == [200, 500]
    fired = [v for v in check(traffic, ALL_PACKS) if v.rule == "required-fields-sent"]
    assert [(v.exchanges, v.details["fields"]) for v in fired] == [((2,), ["publish"])]


def test_query_rule_messages_carry_no_credential(fake: FakeAutotask) -> None:
    # A client may paste anything into a filter, a secret among it: messages go through scrub_url, as the
    # other rules' do, so a credential-looking query string is not repeated.
    secret = "https://x.invalid/?Secret=hunter2&ApiIntegrationCode=abc"
    model = {"filter": [{"op": secret, "field": secret, "value": 1}], "includeFields": [secret]}
    found = _query(fake, model)
    assert {v.rule for v in found} >= {"known-query-operators", "known-query-fields"}
    assert not any("hunter2" in v.message or "hunter2" in json.dumps(v.details, default=str) for v in found)


def test_a_dropped_operator_answers_200_and_only_the_rule_shows_it(seeded: tuple[FakeAutotask, int, str]) -> None:
    # WYRE-AI/autotask-mcp PR #193: "open tickets" written with ne came back with every status. The fake
    # answers as production did, so nothing in the answer tells the client; the rule does.
    fake, _, _ = seeded
    fake.seed("Tickets", ticket_body(0, status=5))
    model = {"filter": [{"op": "ne", "field": "status", "value": 5}]}
    traffic = traffic_of(fake, lambda http: http.post(f"{BASE}/Tickets/query", json=model))
    assert traffic[0].status == 200
    assert sorted(item["status"] for item in traffic[0].items or []) == [1, 5]
    assert [v.rule for v in check(traffic, ALL_PACKS)] == ["known-query-operators"]


def test_a_resolution_text_written_by_id_breaks_no_rule(seeded: tuple[FakeAutotask, int, str]) -> None:
    # Postman contract §9 test 1: GET by id, a note, a PUT of the resolution; "resolution text alone does not resolve
    # a ticket". ticket-number-via-query once counted the text as resolving and flagged the GET.
    fake, ticket, _ = seeded
    note = {"title": "t", "description": "d", "noteType": 1, "publish": 1}
    traffic = traffic_of(
        fake,
        lambda http: (
            item := _get(http, ticket),
            http.post(f"{BASE}/Tickets/{ticket}/Notes", json=note),
            http.put(f"{BASE}/Tickets", json={**item, "resolution": "Fixed."}),
        ),
    )
    assert [e.status for e in traffic] == [200, 200, 200]
    assert check(traffic, ALL_PACKS) == []


def test_put_carries_stabilising_fields_flags_nulls_read_from_the_response_root(
    seeded: tuple[FakeAutotask, int, str],
) -> None:
    # Postman contract §2.1: the fields live under item; read from the root they are all null, the PUT sends them so.
    fake, ticket, _ = seeded

    def steps(http: httpx.Client) -> None:
        answer = http.get(f"{BASE}/Tickets/{ticket}").json()
        http.put(f"{BASE}/Tickets", json={**answer["item"], "queueID": answer.get("queueID")})

    [violation] = [v for v in check(traffic_of(fake, steps), ALL_PACKS) if v.rule == "put-carries-stabilising-fields"]
    assert violation.details["nulled"] == ["queueID"] and "null for queueID" in violation.message

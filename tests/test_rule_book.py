"""Rules live in books made on purpose, and judge with the catalog of the tenant they judge for."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

from fake_server import Exchange, FakeAutotask
from harness.rules import REGISTRY, Finding, RuleBook, RuleContext, check, rule, tickets
from harness.rules.model import declared_rule

from .conftest import BASE, traffic_of


@rule("no-deletes", "Nothing is deleted.", "this test")
def no_deletes(traffic: Sequence[Exchange], context: RuleContext) -> list[Finding]:
    return [Finding("a DELETE", (e.position,)) for e in traffic if e.method == "DELETE"]


def test_a_declared_rule_joins_no_book_until_one_is_made_with_it(fake: FakeAutotask) -> None:
    traffic = traffic_of(fake, lambda http: http.delete(f"{BASE}/ContactGroups/1"))
    mine = declared_rule(no_deletes)
    assert mine is not None and "no-deletes" not in REGISTRY  # declaring registered nothing
    assert not [v for v in check(traffic) if v.rule == "no-deletes"]
    book = RuleBook([*REGISTRY.values(), mine])
    assert [v.exchanges for v in check(traffic, book=book) if v.rule == "no-deletes"] == [(1,)]
    with pytest.raises(ValueError, match="no-deletes"):
        RuleBook([mine, mine])


def test_a_book_of_modules_takes_the_rules_each_declares_not_those_it_imports() -> None:
    borrower = ModuleType("borrower")
    borrower.no_ticket_patch = tickets.no_ticket_patch  # type: ignore[attr-defined]
    borrower.no_deletes = no_deletes  # type: ignore[attr-defined]
    assert list(RuleBook.of_modules(borrower)) == []
    assert "no-ticket-patch" in RuleBook.of_modules(tickets)


def test_rules_judge_bodies_with_the_tenants_own_entity_files(tmp_path: Path) -> None:
    bundled = json.loads((Path(__file__).parents[1] / "fake_server/entities/ContactGroups.json").read_text())
    colour = {**bundled["fields"][-1], "name": "colour", "dataType": "integer", "isRequired": False}
    (tmp_path / "ContactGroups.json").write_text(json.dumps({**bundled, "fields": [*bundled["fields"], colour]}))
    fake = FakeAutotask(entity_dirs=(tmp_path,))
    traffic = traffic_of(
        fake, lambda http: http.post(f"{BASE}/ContactGroups", json={"name": "g", "isActive": True, "colour": 1})
    )

    def flagged(context: RuleContext | None) -> list[str]:
        return [v.rule for v in check(traffic, context=context) if v.rule == "known-fields-only"]

    assert flagged(None) == ["known-fields-only"]  # the bundled catalog has no colour
    assert flagged(RuleContext.for_profile(fake.profile, entity_dirs=(tmp_path,))) == []

"""The rules on real client traffic: every published client's journal gets exactly its labelled findings.

Each folder of ``tests/corpus/`` holds one client's typical workflow as that client sends it (recorded
from the published package run unchanged against ``serve``, or re-created from its request-building
code), and the findings a person labelled by reading the client's code. ``check`` must give exactly
those: a finding it adds is a false alarm on a client, one it lacks is a miss.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from fake_server import TenantProfile
from fake_server.redaction import CREDENTIAL_HEADERS
from harness.rules import CONTRACT, REGISTRY, WORKFLOW, RuleContext, check
from harness.traffic import load_traffic

CORPUS = Path(__file__).parent / "corpus"
CLIENTS = sorted(p.parent for p in CORPUS.glob("*/about.toml"))
# Clients recorded under the documented profile too (journal.documented.jsonl), and Python clients also
# recorded in-process through fake.mock() (journal.inprocess.jsonl).
DOCUMENTED = [p.parent for p in CORPUS.glob("*/journal.documented.jsonl")]
IN_PROCESS = [p.parent for p in CORPUS.glob("*/journal.inprocess.jsonl")]
# Judged for the Postman contract's tenant, as `check` judges by default.
CONTEXT = RuleContext.for_profile(TenantProfile.load("default"))
DOCUMENTED_CONTEXT = RuleContext.for_profile(TenantProfile.load("documented"))


def _about(folder: Path) -> dict[str, Any]:
    return tomllib.loads((folder / "about.toml").read_text("utf-8"))


def test_the_corpus_holds_eight_or_more_published_clients_in_four_languages() -> None:
    about = [_about(folder) for folder in CLIENTS]
    assert len({a["repository"] or a["client"] for a in about}) >= 8
    assert len({a["language"] for a in about}) >= 4
    assert {a["source"] for a in about} == {"recorded", "written"}


@pytest.mark.parametrize("folder", CLIENTS, ids=[p.name for p in CLIENTS])
def test_each_client_says_where_its_traffic_comes_from(folder: Path) -> None:
    about = _about(folder)
    for key in ("client", "version", "language", "http", "how", "profile"):
        assert isinstance(about.get(key), str) and about[key], key
    assert about["source"] in ("recorded", "written")
    assert about["code"] and all(isinstance(path, str) for path in about["code"])
    assert (folder / "record.py").is_file() and (folder / "journal.jsonl").is_file()
    for finding in about.get("finding", []) + about.get("documented_finding", []):
        assert finding["rule"] in REGISTRY and finding["why"], finding
    # A client labelled for the documented profile has that profile's journal, and the reverse.
    assert ("documented_finding" in about) <= (folder / "journal.documented.jsonl").is_file()


def _assert_labelled(journal: Path, context: RuleContext, labels: list[dict[str, Any]]) -> None:
    traffic = load_traffic(journal)
    found = [(v.rule, list(v.exchanges)) for v in check(traffic, (CONTRACT, WORKFLOW), context=context)]
    labelled = [(f["rule"], f["exchanges"]) for f in labels]
    false_alarms = [f for f in found if f not in labelled]
    misses = [f for f in labelled if f not in found]
    assert (false_alarms, misses) == ([], []), f"false alarms {false_alarms}, misses {misses}"
    assert found == labelled  # and in the order check reports them


@pytest.mark.parametrize("folder", CLIENTS, ids=[p.name for p in CLIENTS])
def test_check_gives_exactly_the_labelled_findings(folder: Path) -> None:
    _assert_labelled(folder / "journal.jsonl", CONTEXT, _about(folder).get("finding", []))


@pytest.mark.parametrize("folder", DOCUMENTED, ids=[p.name for p in DOCUMENTED])
def test_check_gives_the_documented_profiles_labelled_findings(folder: Path) -> None:
    """The same client served by the documented profile, judged for that tenant."""
    _assert_labelled(
        folder / "journal.documented.jsonl", DOCUMENTED_CONTEXT, _about(folder).get("documented_finding", [])
    )


def _requests(journal: Path) -> list[tuple[str, str]]:
    return [(e.method, e.path) for e in load_traffic(journal)]


@pytest.mark.parametrize("folder", IN_PROCESS, ids=[p.name for p in IN_PROCESS])
def test_a_python_client_sends_the_same_requests_in_process_as_to_a_served_fake(folder: Path) -> None:
    """fake.mock() answers the client at its production host; it must see what serve saw, step by step."""
    served, in_process = _requests(folder / "journal.jsonl"), _requests(folder / "journal.inprocess.jsonl")
    assert served and in_process == served
    hosts = {urlsplit(e.url).hostname for e in load_traffic(folder / "journal.inprocess.jsonl")}
    assert "127.0.0.1" not in hosts  # it really ran at the client's own (production) address


def test_six_or_more_clients_are_recorded_under_both_profiles_in_four_languages() -> None:
    about = [_about(folder) for folder in DOCUMENTED]
    assert len(about) >= 6
    assert all(a["source"] == "recorded" for a in about)  # run for real, not re-created
    assert {"Python", "JavaScript", "TypeScript", "Go"} <= {a["language"] for a in about}


@pytest.mark.parametrize("folder", CLIENTS, ids=[p.name for p in CLIENTS])
def test_no_credential_is_in_a_corpus_journal(folder: Path) -> None:
    for journal in sorted(folder.glob("journal*.jsonl")):
        for line in journal.read_text("utf-8").splitlines():
            exchange = json.loads(line)
            assert not {name.lower() for name in exchange["request_headers"]} & CREDENTIAL_HEADERS
            assert "user=" not in exchange["url"] or "user=REDACTED" in exchange["url"]
            # The values the record scripts log in with: the secret, and the API user's name, which the
            # fake also redacts where an answer echoes it (the API user is one of the tenant's Resources).
            for credential in ("corpus-secret", "any-secret", "api-user@example.invalid"):
                assert credential not in line, journal.name


def test_real_clients_fall_into_seed_004s_traps() -> None:
    """The corpus is worth its name only if it holds the traps the harness exists for."""
    fired: dict[str, int] = {}
    for folder in CLIENTS:
        for finding in _about(folder).get("finding", []):
            fired[finding["rule"]] = fired.get(finding["rule"], 0) + 1
    # The traps of the Postman contract that real clients fall into must be among them.
    assert {"no-ticket-patch", "notes-via-ticket", "follow-next-page", "exact-base-path"} <= set(fired)

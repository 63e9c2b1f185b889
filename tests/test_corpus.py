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

import pytest

from fake_server import TenantProfile
from fake_server.redaction import CREDENTIAL_HEADERS
from harness.rules import CONTRACT, REGISTRY, WORKFLOW, RuleContext, check
from harness.traffic import load_traffic

CORPUS = Path(__file__).parent / "corpus"
CLIENTS = sorted(p.parent for p in CORPUS.glob("*/about.toml"))
# Judged for seed 004's tenant, as `check` judges by default.
CONTEXT = RuleContext.for_profile(TenantProfile.load("default"))


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
    for finding in about.get("finding", []):
        assert finding["rule"] in REGISTRY and finding["why"], finding


@pytest.mark.parametrize("folder", CLIENTS, ids=[p.name for p in CLIENTS])
def test_check_gives_exactly_the_labelled_findings(folder: Path) -> None:
    traffic = load_traffic(folder / "journal.jsonl")
    found = [(v.rule, list(v.exchanges)) for v in check(traffic, (CONTRACT, WORKFLOW), context=CONTEXT)]
    labelled = [(f["rule"], f["exchanges"]) for f in _about(folder).get("finding", [])]
    false_alarms = [f for f in found if f not in labelled]
    misses = [f for f in labelled if f not in found]
    assert (false_alarms, misses) == ([], []), f"false alarms {false_alarms}, misses {misses}"
    assert found == labelled  # and in the order check reports them


@pytest.mark.parametrize("folder", CLIENTS, ids=[p.name for p in CLIENTS])
def test_no_credential_is_in_a_corpus_journal(folder: Path) -> None:
    for line in (folder / "journal.jsonl").read_text("utf-8").splitlines():
        exchange = json.loads(line)
        assert not {name.lower() for name in exchange["request_headers"]} & CREDENTIAL_HEADERS
        assert "user=" not in exchange["url"] or "user=REDACTED" in exchange["url"]


def test_real_clients_fall_into_seed_004s_traps() -> None:
    """The corpus is worth its name only if it holds the traps the harness exists for."""
    fired: dict[str, int] = {}
    for folder in CLIENTS:
        for finding in _about(folder).get("finding", []):
            fired[finding["rule"]] = fired.get(finding["rule"], 0) + 1
    # The traps of seed 004 that real clients fall into must be among them.
    assert {"no-ticket-patch", "notes-via-ticket", "follow-next-page", "exact-base-path"} <= set(fired)

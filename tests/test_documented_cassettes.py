"""The fake's fidelity: every hand-written cassette of documented results replays against it with no difference."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cassettes.replay import fake_sender, replay
from harness.cassettes.vcr import read_cassette

DOCUMENTED = sorted((Path(__file__).resolve().parent.parent / "cassettes" / "documented").glob("*.json"))
SEED_004_SECTIONS = ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"]


def test_every_seed_004_section_and_seeds_000_to_002_have_a_cassette() -> None:
    names = [p.stem for p in DOCUMENTED]
    for section in SEED_004_SECTIONS:
        assert any(n.startswith(f"seed004-{section}-") for n in names), section
    for seed in ("seed000", "seed001", "seed002"):
        assert any(n.startswith(seed) for n in names), seed


@pytest.mark.parametrize("cassette", DOCUMENTED, ids=[p.stem for p in DOCUMENTED])
def test_documented_cassette_replays_against_the_fake_with_no_difference(cassette: Path) -> None:
    provenance = read_cassette(cassette)["metadata"]["provenance"]
    assert provenance["kind"] == "documented" and provenance["description"]
    differences = replay(cassette, fake_sender("default", provenance["seed"]))
    assert differences == [], "\n".join(d.describe() for d in differences)


@pytest.mark.parametrize(
    ("name", "what"),
    [
        ("seed004-s4-patch-refused", "status"),
        ("seed004-s3-status-picklist", "$.fields[0].picklistValues[1].label"),
    ],
)
def test_documented_cassettes_tell_the_documented_profile_apart(name: str, what: str) -> None:
    cassette = next(p for p in DOCUMENTED if p.stem == name)
    seed = read_cassette(cassette)["metadata"]["provenance"]["seed"]
    assert what in [d.path for d in replay(cassette, fake_sender("documented", seed))]

"""``autotask-harness probe``: against served fakes standing in for tenants, whose behaviour is known."""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

from fake_server import ApiRequest, FakeAutotask, Limits, TenantProfile
from harness.cli.app import app
from harness.probe import ProbeOptions, ProbeResult, load_learned, run_probe
from harness.probe.experiments import RESOURCE_STAMP, STAMP_FIELDS
from harness.probe.ledger import CLOSED_PREFIX, PREFIX
from harness.probe.points import probed_points
from harness.probe.tenant_metadata import CORE_ENTITIES
from harness.sandbox import TargetRefused
from harness.serving.server import ServedFake

USER, SECRET, CODE = "probe-user@example.invalid", "probe-secret", "PROBE-CODE"


def probe(root_url: str, out: Path, **options: Any) -> ProbeResult:
    return run_probe(
        ProbeOptions(root_url, out, **options), USER, SECRET, CODE, console=Console(file=io.StringIO(), width=120)
    )


@pytest.fixture
def served() -> Iterator[ServedFake]:
    with ServedFake(FakeAutotask("default", limits=Limits.off())) as running:
        yield running


def probe_tickets(fake: FakeAutotask) -> list[dict[str, Any]]:
    return [t for t in fake.records("Tickets") if str(t["title"]).startswith(("[contract-probe", CLOSED_PREFIX))]


def assert_nothing_left_open(fake: FakeAutotask, closing: int | None = 5) -> None:
    """Every probe ticket is marked closed, and in the closing status when the tenant has one."""
    tickets = probe_tickets(fake)
    assert all(t["title"].startswith(CLOSED_PREFIX) for t in tickets), tickets
    assert closing is None or all(t["status"] == closing for t in tickets), tickets
    assert not [t for t in tickets if t["title"].startswith(PREFIX)]


def test_probing_seed_004s_tenant_agrees_with_seed_004_on_every_point(served: ServedFake, tmp_path: Path) -> None:
    result = probe(served.root_url, tmp_path)
    assert result.ok, (result.failed, result.problems)
    verdicts = {p.point: p.verdict for p in result.points}
    seed_points = [
        "ATServicesRest is case-sensitive",
        "PATCH /Tickets",
        "POST /TicketNotes",
        "POST /Tickets/{id}/Notes",
        "PUT without a required field",
        "PUT nulls the fields it leaves out",
        "status 5",
        "status 8",
    ]
    assert {point: verdicts[point] for point in seed_points} == dict.fromkeys(seed_points, "same")
    assert probed_points(load_learned(tmp_path)) == probed_points(served.fake.profile)
    assert {p.name for p in tmp_path.iterdir()} == {
        "profile.toml",
        "entities",
        "probe-cassette.json",
        "report.md",
        "report.json",
    }
    assert "| status 5 | §5 |" in (tmp_path / "report.md").read_text("utf-8")
    assert_nothing_left_open(served.fake)
    assert len(probe_tickets(served.fake)) == 1
    assert result.created[0].startswith("Tickets ") and "closed (status 5)" in result.created[0]


def test_probing_the_documented_tenant_reports_where_it_differs(tmp_path: Path) -> None:
    with ServedFake(FakeAutotask("documented", limits=Limits.off())) as running:
        result = probe(running.root_url, tmp_path)
    differs = {p.point: p.tenant for p in result.points if p.verdict == "differs"}
    assert differs == {
        "ATServicesRest is case-sensitive": "no",
        "PATCH /Tickets": "accepted",
        "status 8": '"In Progress", stamps nothing',
    }
    learned = load_learned(tmp_path)
    assert not learned.base_path_case_sensitive and "PATCH /tickets" not in learned.refused_methods


def test_serve_loads_a_learned_profile_with_its_entity_files(tmp_path: Path) -> None:
    from .test_cli_serve import _start, _stop

    with ServedFake(FakeAutotask("documented", limits=Limits.off())) as running:
        assert probe(running.root_url, tmp_path / "learned", cassette=False).ok
    process, base, _ = _start("--profile", str(tmp_path / "learned/profile.toml"), "--no-limits")
    try:
        headers = {"UserName": USER, "Secret": SECRET, "ApiIntegrationCode": CODE}
        lowered = base.replace("/ATServicesRest/", "/atservicesrest/") + "/Tickets/entityInformation/fields"
        answer = httpx.get(lowered, headers=headers)  # the documented tenant ignores the base path's casing
        assert answer.status_code == 200
        status = next(f for f in answer.json()["fields"] if f["name"] == "status")
        assert {v["value"]: v["label"] for v in status["picklistValues"]}["8"] == "In Progress"
    finally:
        _stop(process)


def _answers(fake: FakeAutotask, entity: str) -> list[Any]:
    paths = ("entityInformation", "entityInformation/fields", "entityInformation/userDefinedFields")
    headers = (("UserName", USER), ("Secret", SECRET), ("ApiIntegrationCode", CODE))
    return [
        fake.handle(
            ApiRequest("GET", f"https://webservices19.autotask.net/ATServicesRest/V1.0/{entity}/{path}", headers)
        ).body
        for path in paths
    ]


ENDPOINT_CHOICES = {
    "PATCH /Tickets": ("absent", "refused", "accepted"),
    "POST /TicketNotes": ("absent", "refused", "accepted"),
    "POST /Tickets/{id}/Notes": ("absent", "accepted"),
}


@st.composite
def tenant_profiles(draw: st.DrawFn) -> TenantProfile:
    """Any status picklist and completion behaviour, base path casing, endpoint fates and PUT semantics."""
    values = draw(st.lists(st.integers(1, 100_000), min_size=2, max_size=7, unique=True))
    labels = draw(st.lists(st.text(min_size=1, max_size=20), min_size=len(values), max_size=len(values)))
    default = draw(st.sampled_from(values))
    statuses = [
        {
            "value": str(v),
            "label": label,
            "isDefaultValue": v == default,
            "sortOrder": i,
            "parentValue": "",
            "isActive": True,
            "isSystem": draw(st.booleans()),
        }
        for i, (v, label) in enumerate(zip(values, labels, strict=True))
    ]
    completing = draw(st.sets(st.sampled_from([v for v in values if v != default])))
    stamps = draw(st.sets(st.sampled_from((*STAMP_FIELDS, RESOURCE_STAMP)), min_size=1))
    clears = draw(st.sets(st.sampled_from(sorted(stamps))))
    fates = {endpoint: draw(st.sampled_from(choices)) for endpoint, choices in ENDPOINT_CHOICES.items()}
    base = TenantProfile.load("default")
    return replace(
        base,
        base_path_case_sensitive=draw(st.booleans()),
        missing_item_status=draw(st.sampled_from((200, 404))),
        put_nulls_omitted=draw(st.booleans()),
        absent_endpoints=frozenset(e for e, fate in fates.items() if fate == "absent"),
        refused_methods=frozenset({"PATCH /Tickets"} if fates["PATCH /Tickets"] == "refused" else ()),
        added_methods=frozenset({"POST /TicketNotes"} if fates["POST /TicketNotes"] == "accepted" else ()),
        picklists={"Tickets": {**base.picklists["Tickets"], "status": statuses}},
        completion=replace(
            base.completion,
            completing_values=frozenset(completing),
            stamp_fields=tuple(f for f in STAMP_FIELDS if f in stamps),
            stamp_resource_field=RESOURCE_STAMP if RESOURCE_STAMP in stamps else "",
            reopen_clears=tuple(sorted(clears)),
        ),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=tenant_profiles())
def test_probing_a_served_tenant_learns_its_profile_back(profile: TenantProfile, tmp_path_factory: Any) -> None:
    out = tmp_path_factory.mktemp("probe")
    fake = FakeAutotask(profile, limits=Limits.off())
    with ServedFake(fake) as running:
        result = probe(running.root_url, out, cassette=False)
    assert result.complete, (result.failed, result.observations.problems)
    learned = load_learned(out)
    assert probed_points(learned) == probed_points(profile)
    reloaded = FakeAutotask(learned)
    for entity in CORE_ENTITIES:
        assert _answers(reloaded, entity) == _answers(fake, entity), entity
    assert_closed_as_the_readme_says(profile, fake, result)


CLOSING_LABELS = {"complete", "completed", "closed"}


def assert_closed_as_the_readme_says(profile: TenantProfile, fake: FakeAutotask, result: ProbeResult) -> None:
    """Closed in a status seen completing, else in one labelled Complete/Completed/Closed, else left open
    under its open title and reported."""
    labels = {int(v["value"]): v["label"].strip().lower() for v in profile.picklists["Tickets"]["status"]}
    tickets = probe_tickets(fake)
    assert tickets
    if profile.completion.completing_values:
        assert all(t["title"].startswith(CLOSED_PREFIX) for t in tickets)
        assert all(t["status"] in profile.completion.completing_values for t in tickets)
        assert result.ok
    elif CLOSING_LABELS & set(labels.values()):
        assert all(t["title"].startswith(CLOSED_PREFIX) and labels[t["status"]] in CLOSING_LABELS for t in tickets)
        assert result.ok
    else:
        assert all(t["title"].startswith(PREFIX) for t in tickets)
        assert not result.ok and all(any(f"ticket {t['id']} left open" in p for p in result.problems) for t in tickets)


def test_a_probe_interrupted_at_any_request_leaves_nothing_behind_after_the_clean_up_run(tmp_path: Path) -> None:
    fake = FakeAutotask("default", limits=Limits.off())
    with ServedFake(fake) as running:
        clean = probe(running.root_url, tmp_path / "clean", cassette=False)
        assert clean.ok
        for cut in range(clean.requests):
            fake.reset()
            # From request `cut` on, the connection is lost (even cuts) or the tenant answers 500 (odd cuts),
            # so the run's own clean-up fails too: only the next run can tidy.
            fake.inject_fault(drop=cut % 2 == 0, status=500, after=cut, times=10**6)
            interrupted = probe(running.root_url, tmp_path / f"cut{cut}", cassette=False)
            assert not interrupted.ok, cut
            # The profile is written only when every experiment ran (a failed clean-up does not unlearn them).
            assert interrupted.complete == (tmp_path / f"cut{cut}/profile.toml").exists(), cut
            fake.gate.clear_faults()
            tidy = probe(running.root_url, tmp_path / f"tidy{cut}", cassette=False, cleanup_only=True)
            assert tidy.ok, (cut, tidy.problems)
            assert_nothing_left_open(fake)
            created_before_the_cut = {t["id"] for t in probe_tickets(fake)}
            listed = {
                int(line.split()[1])
                for run in (interrupted, tidy)
                for line in run.created
                if line.startswith("Tickets ")
            }
            assert created_before_the_cut <= listed, (cut, created_before_the_cut, listed)


def test_a_step_failing_once_is_tidied_and_listed_by_the_same_run(tmp_path: Path) -> None:
    fake = FakeAutotask("default", limits=Limits.off())
    with ServedFake(fake) as running:
        total = probe(running.root_url, tmp_path / "clean", cassette=False).requests
        for cut in range(total):
            fake.reset()
            fake.inject_fault(drop=cut % 2 == 0, status=503, after=cut, times=1)  # one request fails, then fine
            result = probe(running.root_url, tmp_path / f"cut{cut}", cassette=False)
            still_open = [t for t in probe_tickets(fake) if t["title"].startswith(PREFIX)]
            # Whatever is still open was reported as such; everything the run created is listed.
            for ticket in still_open:
                assert any(f"ticket {ticket['id']} left open" in p for p in result.problems), (cut, ticket["id"])
            listed = {int(line.split()[1]) for line in result.created if line.startswith("Tickets ")}
            assert {t["id"] for t in probe_tickets(fake)} <= listed, cut
            assert result.complete == (tmp_path / f"cut{cut}/profile.toml").exists(), cut


def test_the_next_full_run_closes_what_an_interrupted_run_left_open(served: ServedFake, tmp_path: Path) -> None:
    served.fake.inject_fault(drop=True, after=50, times=10**6)
    first = probe(served.root_url, tmp_path / "first", cassette=False)
    assert first.failed is not None and not (tmp_path / "first/profile.toml").exists()
    served.fake.gate.clear_faults()
    assert any(t["title"].startswith(PREFIX) for t in probe_tickets(served.fake))
    second = probe(served.root_url, tmp_path / "second", cassette=False)
    assert second.ok
    assert any("left open by an earlier, interrupted probe" in line for line in second.created)
    assert_nothing_left_open(served.fake)


def test_a_production_zone_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(500)

    http = httpx.Client(transport=httpx.MockTransport(record))
    with pytest.raises(TargetRefused, match="--allow-production"):
        run_probe(
            ProbeOptions("https://webservices.autotask.net", tmp_path),
            USER,
            SECRET,
            CODE,
            http=http,
            console=Console(file=io.StringIO()),
        )
    assert sent == []


def test_a_listed_lookup_host_that_points_at_a_production_zone_is_refused_after_discovery(tmp_path: Path) -> None:
    fake = FakeAutotask("default", limits=Limits.off())
    with fake.mock(), httpx.Client() as http, pytest.raises(TargetRefused, match="webservices19"):
        run_probe(
            ProbeOptions(
                "https://webservices.autotask.net",
                tmp_path,
                cassette=False,
                sandbox_hosts=("webservices.autotask.net",),
            ),
            USER,
            SECRET,
            CODE,
            http=http,
            console=Console(file=io.StringIO()),
        )
    assert [e.url.split("?")[0] for e in fake.journal] == [
        "https://webservices.autotask.net/ATServicesRest/V1.0/zoneInformation"
    ]
    assert fake.records("Tickets") == []


def test_the_cli_probes_with_credentials_from_the_environment_and_keeps_them_out_of_every_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user, secret, code = (
        f"{secrets.token_hex(8)}@example.invalid",
        secrets.token_urlsafe(24),
        secrets.token_hex(14).upper(),
    )
    monkeypatch.setenv("AUTOTASK_USERNAME", user)
    monkeypatch.setenv("AUTOTASK_SECRET", secret)
    monkeypatch.setenv("AUTOTASK_INTEGRATION_CODE", code)
    out, page = tmp_path / "out", tmp_path / "probe.html"
    with ServedFake(FakeAutotask("default", limits=Limits.off())) as running:
        outcome = CliRunner().invoke(
            app, ["probe", "--target", running.root_url, "--out", str(out), "--html", str(page)]
        )
    assert outcome.exit_code == 0, outcome.output
    assert "This tenant against the Postman contract" in outcome.output and "closed (status 5)" in outcome.output
    written = [p.read_text("utf-8") for p in out.rglob("*") if p.is_file()]
    assert len(written) == 4 + len(CORE_ENTITIES)
    shown = page.read_text("utf-8")  # the HTML report: the tenant against the Postman contract, point by point
    assert "This tenant against the Postman contract" in shown and "ATServicesRest is case-sensitive" in shown
    assert 'class="verdict same"' in shown
    for value in (user, secret, code):
        assert value not in outcome.output
        assert not [text for text in [*written, shown] if value in text]
    assert FakeAutotask(out / "profile.toml").profile.name == "probed-EU1"


def test_the_cli_refuses_without_credentials_or_for_production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AUTOTASK_USERNAME", "AUTOTASK_SECRET", "AUTOTASK_INTEGRATION_CODE"):
        monkeypatch.delenv(name, raising=False)
    missing = CliRunner().invoke(app, ["probe", "--target", "http://127.0.0.1:9", "--out", str(tmp_path)])
    assert missing.exit_code == 2 and "AUTOTASK_SECRET" in missing.output
    for name in ("AUTOTASK_USERNAME", "AUTOTASK_SECRET", "AUTOTASK_INTEGRATION_CODE"):
        monkeypatch.setenv(name, "x")
    production = CliRunner().invoke(
        app, ["probe", "--target", "https://webservices5.autotask.net", "--out", str(tmp_path)]
    )
    assert production.exit_code == 2 and "--allow-production" in production.output

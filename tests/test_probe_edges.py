"""The probe against tenants that answer oddly: nothing crashes, nothing is left unreported, nothing leaks."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from fake_server import ApiRequest, FakeAutotask, Limits, TenantProfile
from harness.probe import ProbeOptions, ProbeResult, run_probe
from harness.probe.experiments import Observations, StatusObservation
from harness.probe.infer import learned_profile
from harness.probe.ledger import CLOSED_PREFIX, PREFIX
from harness.probe.tenant_metadata import TenantMetadata
from harness.serving.server import ServedFake

USER, SECRET, CODE = "edge-user@example.invalid", "edge-secret-value", "EDGE-CODE"
ROOT = "http://tenant.test"  # in-process only; loopback is what the production guard accepts, so list it


def bridged(fake: FakeAutotask, odd: Callable[[httpx.Request], httpx.Response | None]) -> httpx.Client:
    """An httpx client whose requests the fake answers, except those ``odd`` answers itself."""

    def handle(request: httpx.Request) -> httpx.Response:
        answer = odd(request)
        if answer is not None:
            return answer
        reply = fake.handle(
            ApiRequest(request.method, str(request.url), tuple(request.headers.items()), request.content)
        )
        return httpx.Response(reply.status, content=reply.content(), headers=reply.headers)

    return httpx.Client(transport=httpx.MockTransport(handle))


def probe_in_process(
    fake: FakeAutotask, out: Path, odd: Callable[[httpx.Request], httpx.Response | None], **options: Any
) -> ProbeResult:
    return run_probe(
        ProbeOptions(ROOT, out, cassette=False, sandbox_hosts=("tenant.test",), **options),
        USER,
        SECRET,
        CODE,
        http=bridged(fake, odd),
        console=Console(file=io.StringIO()),
    )


def open_probe_tickets(fake: FakeAutotask) -> list[dict[str, Any]]:
    return [t for t in fake.records("Tickets") if str(t["title"]).startswith(PREFIX)]


def test_a_create_answered_without_json_is_reported_and_nothing_is_left_open(tmp_path: Path) -> None:
    fake = FakeAutotask(limits=Limits.off())

    def html_for_notes(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and request.url.path.endswith("/Notes"):
            return httpx.Response(200, text="<html>maintenance</html>")
        return None

    result = probe_in_process(fake, tmp_path, html_for_notes)
    assert not result.complete and not (tmp_path / "profile.toml").exists()
    assert any("POST /Tickets/{id}/Notes" in p and "itemId" in p for p in result.observations.problems)
    assert not open_probe_tickets(fake)
    assert "itemId" in (tmp_path / "report.md").read_text("utf-8")


def test_entity_information_that_is_not_json_stops_the_run_with_a_report(tmp_path: Path) -> None:
    fake = FakeAutotask(limits=Limits.off())

    def broken_metadata(request: httpx.Request) -> httpx.Response | None:
        if request.url.path.endswith("/Contacts/entityInformation"):
            return httpx.Response(200, text="not json")
        return None

    result = probe_in_process(fake, tmp_path, broken_metadata)
    assert result.failed is not None and "Contacts metadata" in result.failed
    assert (tmp_path / "report.md").exists() and fake.records("Tickets") == []


def test_a_create_answered_200_without_item_id_is_reported(tmp_path: Path) -> None:
    fake = FakeAutotask(limits=Limits.off())

    def no_item_id(request: httpx.Request) -> httpx.Response | None:
        if request.method == "POST" and request.url.path.endswith("/Tickets"):
            return httpx.Response(200, json={"errors": ["odd"]})
        return None

    result = probe_in_process(fake, tmp_path, no_item_id)
    assert result.failed is not None and "itemId" in result.failed
    assert fake.records("Tickets") == []


def test_a_status_value_that_is_not_a_number_is_skipped_and_reported(tmp_path: Path) -> None:
    base = TenantProfile.load("default")
    statuses = [
        *base.picklists["Tickets"]["status"],
        {
            "value": "X1",
            "label": "Odd",
            "isDefaultValue": False,
            "sortOrder": 99,
            "parentValue": "",
            "isActive": True,
            "isSystem": False,
        },
    ]
    fake = FakeAutotask(
        replace(base, picklists={"Tickets": {**base.picklists["Tickets"], "status": statuses}}), limits=Limits.off()
    )
    result = probe_in_process(fake, tmp_path, lambda request: None)
    assert result.failed is None and not result.complete
    assert any("'X1'" in p for p in result.observations.problems)
    assert [t["title"].startswith(CLOSED_PREFIX) for t in fake.records("Tickets")] == [True]


def test_a_refused_closing_status_leaves_the_ticket_open_reported_and_findable(tmp_path: Path) -> None:
    fake = FakeAutotask(limits=Limits.off())
    first = probe_in_process(fake, tmp_path / "first", lambda request: None, closing_status=999)
    assert first.complete and not first.ok
    [ticket] = open_probe_tickets(fake)
    assert any(f"ticket {ticket['id']} left open" in p and "999" in p for p in first.problems)
    tidy = probe_in_process(fake, tmp_path / "tidy", lambda request: None, cleanup_only=True)
    assert tidy.ok and not open_probe_tickets(fake)
    assert fake.get("Tickets", ticket["id"])["status"] == 5  # type: ignore[index]


def test_a_clean_up_run_keeps_the_full_runs_files(tmp_path: Path) -> None:
    fake = FakeAutotask(limits=Limits.off())
    with ServedFake(fake) as running:
        full = run_probe(
            ProbeOptions(running.root_url, tmp_path), USER, SECRET, CODE, console=Console(file=io.StringIO())
        )
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
        run_probe(
            ProbeOptions(running.root_url, tmp_path, cleanup_only=True),
            USER,
            SECRET,
            CODE,
            console=Console(file=io.StringIO()),
        )
    assert full.ok
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert {name: after[name] for name in before} == before
    assert set(after) - set(before) == {"cleanup-report.md", "cleanup-report.json", "cleanup-cassette.json"}


def test_credentials_a_tenant_echoes_in_an_error_stay_out_of_reports_and_cassettes(tmp_path: Path) -> None:
    fake = FakeAutotask(limits=Limits.off())
    fake.inject_fault(status=500, errors=[f"bad login {USER} with {SECRET} for {CODE}"], method="PUT", times=10**6)
    with ServedFake(fake) as running:
        result = run_probe(
            ProbeOptions(running.root_url, tmp_path), USER, SECRET, CODE, console=Console(file=io.StringIO())
        )
    assert not result.ok
    texts = [p.read_text("utf-8") for p in tmp_path.rglob("*") if p.is_file()]
    assert any("bad login" in text for text in texts)  # the error itself is reported...
    for value in (USER, SECRET, CODE):  # ...without what it echoed
        assert not [text for text in texts if value in text]
        assert value not in " ".join([*result.problems, *result.observations.problems, *result.created])


def test_stamps_seen_count_even_when_moving_back_is_refused() -> None:
    seen = Observations(
        baseline_status=1,
        statuses=[
            StatusObservation(
                5,
                "Complete",
                ("completedDate", "resolvedDateTime"),
                None,
                reopen_error="moving back to 1 answered 500: workflow rule",
            ),
            StatusObservation(8, "Completed"),
        ],
    )
    profile = learned_profile(TenantMetadata(), seen, Path("entities"))
    assert profile.completion.completing_values == frozenset({5})
    assert profile.completion.stamp_fields == ("completedDate", "resolvedDateTime")
    # What moving back clears was not seen, so the default's rule stays (within what is stamped).
    assert profile.completion.reopen_clears == ("completedDate", "resolvedDateTime")


def test_an_unexpected_answer_to_a_probed_point_keeps_the_profile_unwritten(tmp_path: Path) -> None:
    fake = FakeAutotask(limits=Limits.off())

    def busy_lower_case_path(request: httpx.Request) -> httpx.Response | None:
        if "/atservicesrest/" in request.url.path:
            return httpx.Response(503, json={"errors": ["Service unavailable"]})
        return None

    result = probe_in_process(fake, tmp_path, busy_lower_case_path)
    assert result.failed is None and not result.complete and not (tmp_path / "profile.toml").exists()
    assert any("answered 503" in p for p in result.observations.problems)
    assert [p.verdict for p in result.points if p.point == "ATServicesRest is case-sensitive"] == ["not probed"]
    assert not open_probe_tickets(fake)


def test_a_next_page_url_leading_off_the_zone_is_not_followed(tmp_path: Path) -> None:
    fake = FakeAutotask(limits=Limits.off())
    followed: list[str] = []

    def elsewhere(request: httpx.Request) -> httpx.Response | None:
        if request.url.host == "elsewhere.test":
            followed.append(str(request.url))
            return httpx.Response(200, json={"items": [], "pageDetails": {"nextPageUrl": None}})
        if (
            request.method == "POST"
            and request.url.path.endswith("/Tickets/query")
            and b"beginsWith" in request.content
        ):
            return httpx.Response(
                200,
                json={
                    "items": [],
                    "pageDetails": {
                        "count": 0,
                        "nextPageUrl": "http://elsewhere.test/ATServicesRest/V1.0/Tickets/query/next",
                    },
                },
            )
        return None

    result = probe_in_process(fake, tmp_path, elsewhere)
    assert followed == []
    assert any("leads off this zone" in p for p in result.problems)
    assert not open_probe_tickets(fake)  # this run's own ticket was still closed from the ledger

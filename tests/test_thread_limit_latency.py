"""The profile's latency makes the API's thread limit reachable: concurrent requests overlap as on the real API.

n8n-nodes-autotask PR #107 and GDSTechnology/autotask-mcp docs/THROTTLING.md: three concurrent requests per
integration code and object endpoint, the fourth
refused with ``Itgenatr005`` ("thread threshold ... exceeded"); ZoneInformation is exempt. Without latency
the fake answers in microseconds and requests never overlap; with ``[limits] latency_ms`` each admitted
request holds its slot while it waits.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from fake_server import ApiRequest, FakeAutotask, Limits, TenantProfile
from fake_server.admission import LET_THROUGH, THREAD_LIMIT_MESSAGE, Gate, operation_kind
from fake_server.profile import Latency
from fake_server.profile_toml import write_profile
from harness.serving.server import ServedFake

from .conftest import BASE, CREDENTIALS

ZONE_URL = "https://webservices.autotask.net/ATServicesRest/V1.0/zoneInformation?user=u"
# Long enough that six requests released by one barrier all reach the gate while the first three wait.
SLOW = Limits(latency=Latency(typical_ms=400, jitter_ms=50))
SLOWEST_ANSWER = 0.35  # seconds: typical less jitter


class Answer:
    def __init__(self, response: httpx.Response, started: float, ended: float) -> None:
        self.status = response.status_code
        self.body: Any = response.json()
        self.started, self.ended = started, ended
        self.seconds = ended - started


class PeakWatch:
    """Wraps a fake's gate to record the most requests in flight at once, per slot and over all slots."""

    def __init__(self, gate: Gate) -> None:
        self.gate = gate
        self.per_slot: dict[tuple[str, str], int] = {}
        self.total = 0
        self._admit = gate.admit
        gate.admit = self.admit  # type: ignore[method-assign]

    def admit(self, request: ApiRequest) -> Any:
        admission = self._admit(request)
        counts = self.gate.in_flight()
        for slot, count in counts.items():
            self.per_slot[slot] = max(self.per_slot.get(slot, 0), count)
        self.total = max(self.total, sum(counts.values()))
        return admission


def _at_once(
    urls: list[str],
    headers: list[dict[str, str]] | None = None,
    get: Callable[[httpx.Client, str], httpx.Response] | None = None,
) -> list[Answer]:
    """GET every URL from its own thread, all released together; answers in the order of ``urls``."""
    barrier = threading.Barrier(len(urls))

    def call(index: int) -> Answer:
        with httpx.Client(headers=(headers or [CREDENTIALS] * len(urls))[index], timeout=10) as http:
            barrier.wait()
            started = time.perf_counter()
            response = (get or httpx.Client.get)(http, urls[index])
            return Answer(response, started, time.perf_counter())

    with ThreadPoolExecutor(len(urls)) as pool:
        return list(pool.map(call, range(len(urls))))


def _statuses(answers: list[Answer]) -> list[int]:
    return sorted(a.status for a in answers)


def _thread_limit_body(endpoint: str) -> dict[str, list[str]]:
    return {"errors": [THREAD_LIMIT_MESSAGE.format(limit=3, endpoint=endpoint)]}


# -- the thread limit, in-process (fake.mock() + httpx) ------------------------------------------------


def test_six_at_once_on_one_endpoint_three_are_answered_and_three_meet_the_thread_limit() -> None:
    fake = FakeAutotask(limits=SLOW)
    watch = PeakWatch(fake.gate)
    with fake.mock():
        answers = _at_once([f"{BASE}/Companies/0"] * 6)
    assert _statuses(answers) == [200, 200, 200, 429, 429, 429]
    admitted = [a for a in answers if a.status == 200]
    refused = [a for a in answers if a.status == 429]
    assert all(a.body["item"]["id"] == 0 for a in admitted)
    assert all(a.seconds >= SLOWEST_ANSWER for a in admitted)
    assert max(a.started for a in answers) < min(a.ended for a in admitted)  # all six met while three waited
    for answer in refused:
        assert answer.body == _thread_limit_body("companies")
        assert "Itgenatr005" in answer.body["errors"][0]
        assert re.search(r"thread threshold .* exceeded", answer.body["errors"][0])
        assert answer.seconds < SLOWEST_ANSWER  # a refusal is answered at once: it holds no slot
    assert watch.per_slot == {("TEST-INTEGRATION-CODE", "companies"): 3}
    assert fake.gate.in_flight() == {}  # every slot is given back
    assert sorted(e.status for e in fake.journal) == [200, 200, 200, 429, 429, 429]


def test_a_client_that_backs_off_on_429_gets_through_and_never_holds_more_than_three() -> None:
    fake = FakeAutotask(limits=Limits(latency=Latency(typical_ms=120, jitter_ms=40)))
    watch = PeakWatch(fake.gate)
    refusals = []

    def patient(http: httpx.Client, url: str) -> httpx.Response:
        for _ in range(100):
            response = http.get(url)
            if response.status_code != 429:
                return response
            refusals.append(response.json())
            time.sleep(0.03)
        raise AssertionError("still refused after 100 tries")

    with fake.mock():
        answers = _at_once([f"{BASE}/Companies/0"] * 6, get=patient)
    assert _statuses(answers) == [200] * 6
    assert refusals and all(r == _thread_limit_body("companies") for r in refusals)
    assert watch.per_slot == {("TEST-INTEGRATION-CODE", "companies"): 3}


def test_different_endpoints_do_not_share_slots() -> None:
    fake = FakeAutotask(limits=SLOW)
    watch = PeakWatch(fake.gate)
    with fake.mock():
        answers = _at_once([f"{BASE}/Companies/0"] * 3 + [f"{BASE}/Resources/4"] * 3)
        assert [a.status for a in answers] == [200] * 6
        assert watch.total == 6
        four_and_four = _at_once([f"{BASE}/Companies/0"] * 4 + [f"{BASE}/Resources/4"] * 4)
    assert _statuses(four_and_four[:4]) == _statuses(four_and_four[4:]) == [200, 200, 200, 429]
    refused = [a.body for a in four_and_four if a.status == 429]
    assert sorted(refused, key=str) == [_thread_limit_body("companies"), _thread_limit_body("resources")]
    assert watch.per_slot == {("TEST-INTEGRATION-CODE", "companies"): 3, ("TEST-INTEGRATION-CODE", "resources"): 3}


def test_a_child_collection_counts_under_its_parent_endpoint() -> None:
    fake = FakeAutotask(limits=SLOW)
    with fake.mock():
        answers = _at_once([f"{BASE}/Tickets/1"] * 2 + [f"{BASE}/Tickets/1/Notes/query?search=%7B%7D"] * 2)
    assert sorted(a.status for a in answers).count(429) == 1
    assert [a.body for a in answers if a.status == 429] == [_thread_limit_body("tickets")]


def test_integration_codes_do_not_share_slots() -> None:
    fake = FakeAutotask(limits=SLOW)
    headers = [{**CREDENTIALS, "ApiIntegrationCode": f"code-{n % 2}"} for n in range(6)]
    with fake.mock():
        answers = _at_once([f"{BASE}/Companies/0"] * 6, headers=headers)
    assert [a.status for a in answers] == [200] * 6


def test_zone_information_is_exempt_but_still_takes_its_time() -> None:
    fake = FakeAutotask(limits=SLOW)
    watch = PeakWatch(fake.gate)
    with fake.mock():
        answers = _at_once([ZONE_URL] * 6)
    assert [a.status for a in answers] == [200] * 6
    assert all(a.seconds >= SLOWEST_ANSWER for a in answers)
    assert max(a.started for a in answers) < min(a.ended for a in answers)  # all six were in flight at once
    assert watch.total == 0  # never counted


def test_the_autotask_marker_passes_latency_to_the_fixture_fake(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(f"""
        import threading
        from concurrent.futures import ThreadPoolExecutor

        import httpx
        import pytest

        from fake_server import Limits
        from fake_server.profile import Latency

        @pytest.mark.autotask(limits=Limits(latency=Latency(typical_ms=300)))
        def test_fourth(autotask_fake):
            barrier = threading.Barrier(4)

            def call(_):
                with httpx.Client(headers={CREDENTIALS!r}) as http:
                    barrier.wait()
                    return http.get("{BASE}/Companies/0").status_code

            with ThreadPoolExecutor(4) as pool:
                assert sorted(pool.map(call, range(4))) == [200, 200, 200, 429]
    """)
    pytester.runpytest().assert_outcomes(passed=1)


# -- served (ASGI under uvicorn) -------------------------------------------------------------------


def test_six_at_once_over_http_three_are_answered_and_three_meet_the_thread_limit() -> None:
    with ServedFake(FakeAutotask(limits=SLOW)) as served:
        search = quote(json.dumps({"filter": [{"op": "exist", "field": "id"}]}))
        answers = _at_once([f"{served.base_url}/Tickets/query?search={search}"] * 6)
        assert served.fake.gate.in_flight() == {}
    assert _statuses(answers) == [200, 200, 200, 429, 429, 429]
    assert [a.body for a in answers if a.status == 429] == [_thread_limit_body("tickets")] * 3


# -- latency off, and how the figures apply ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["default", "documented"])
def test_latency_is_off_in_the_bundled_profiles(name: str) -> None:
    limits = TenantProfile.load(name).limits
    assert limits.latency == Latency() and limits.latency_by_operation == ()
    assert not limits.latency_on


def test_latency_off_keeps_answers_immediate() -> None:
    fake = FakeAutotask()
    request = ApiRequest("GET", f"{BASE}/Companies/0", tuple(CREDENTIALS.items()))
    admission = fake.gate.admit(request)
    assert admission.delay == 0.0
    fake.gate.release(admission)
    assert FakeAutotask(limits=Limits.off()).gate.admit(request) is LET_THROUGH
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        started = time.perf_counter()
        for _ in range(50):
            assert http.get(f"{BASE}/Companies/0").status_code == 200
        assert time.perf_counter() - started < 1.0  # microseconds each; a 300 ms latency would take 15 s


def test_latency_applies_with_limits_switched_off_but_nothing_is_refused() -> None:
    fake = FakeAutotask(limits=Limits(enabled=False, latency=Latency(typical_ms=200)))
    with fake.mock():
        answers = _at_once([f"{BASE}/Companies/0"] * 6)
    assert [a.status for a in answers] == [200] * 6
    assert all(a.seconds >= 0.19 for a in answers)


def _delay(gate: Gate, method: str, path: str) -> float:
    admission = gate.admit(ApiRequest(method, f"{BASE}{path}", tuple(CREDENTIALS.items())))
    gate.release(admission)
    return admission.delay


def test_per_operation_latency_and_the_hourly_tiers_add_up() -> None:
    limits = Limits(
        hourly_threshold=100,
        latency_tiers=((0.5, 0.5),),
        latency=Latency(typical_ms=100),
        latency_by_operation=(("write", Latency(typical_ms=250)), ("query", Latency(typical_ms=400))),
    )
    gate = Gate(limits)
    assert _delay(gate, "GET", "/Tickets/1") == pytest.approx(0.1)
    assert _delay(gate, "GET", "/Tickets/query?search={}") == pytest.approx(0.4)
    assert _delay(gate, "POST", "/Tickets/query/count") == pytest.approx(0.4)
    assert _delay(gate, "POST", "/Tickets/5/Notes") == pytest.approx(0.25)
    assert _delay(gate, "PATCH", "/Tickets") == pytest.approx(0.25)
    for _ in range(50):
        _delay(gate, "GET", "/Companies/0")
    assert _delay(gate, "GET", "/Tickets/1") == pytest.approx(0.6)  # past half the threshold: +0.5 s
    kinds = [
        ("GET", "/Tickets/query/next?paging=x"),
        ("DELETE", "/Tickets/1/Notes/2"),
        ("GET", "/Tickets/entityInformation"),
    ]
    assert [operation_kind(ApiRequest(m, f"{BASE}{p}")) for m, p in kinds] == ["query", "write", "read"]


def test_jitter_draws_within_its_bounds() -> None:
    gate = Gate(Limits(latency=Latency(typical_ms=150, jitter_ms=50)), rng=random.Random(7))
    delays = [_delay(gate, "GET", "/Companies/0") for _ in range(200)]
    assert all(0.1 <= d <= 0.2 for d in delays)
    assert max(delays) - min(delays) > 0.08  # spread across the range, not fixed
    assert sum(delays) / len(delays) == pytest.approx(0.15, abs=0.01)


def test_bad_latency_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="not negative"):
        Latency(typical_ms=-1)
    with pytest.raises(ValueError, match="at most once"):
        Limits(latency_by_operation=(("delete", Latency(1)),))
    with pytest.raises(ValueError, match="typical"):
        Limits.from_dict({"latency_ms": {"typical": 100, "mean": 3}})


# -- the profile round trip ---------------------------------------------------------------------------------


def test_toml_read_and_write_keep_the_latency(tmp_path: Path) -> None:
    source = tmp_path / "slow.toml"
    source.write_text(
        'name = "slow"\n\n[limits]\nthread_limit = 3\n'
        "latency_ms = { typical = 300, jitter = 150 }\n"
        "latency_ms_by_operation = { write = { typical = 450.5, jitter = 0 }, "
        "query = { typical = 800, jitter = 400 } }\n",
        encoding="utf-8",
    )
    profile = TenantProfile.load(source)
    assert profile.limits.latency == Latency(300, 150)
    assert profile.limits.latency_by_operation == (("query", Latency(800, 400)), ("write", Latency(450.5, 0)))
    written = write_profile(profile, tmp_path / "written.toml")
    text = written.read_text(encoding="utf-8")
    assert "latency_ms" in text and "typical = 300\n" in text and "typical = 450.5" in text
    assert TenantProfile.load(written) == profile
    # And the fake built from it is slow.
    assert Gate(profile.limits).admit(ApiRequest("GET", f"{BASE}/Companies/0", tuple(CREDENTIALS.items()))).delay > 0


@pytest.mark.parametrize("name", ["default", "documented"])
def test_bundled_profiles_round_trip_with_latency_off(name: str, tmp_path: Path) -> None:
    profile = TenantProfile.load(name)
    written = write_profile(profile, tmp_path / f"{name}.toml")
    assert "latency_ms" in written.read_text(encoding="utf-8")
    assert TenantProfile.load(written) == profile

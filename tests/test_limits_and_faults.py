"""Rate limits, thread limits and fault injection, in-process and served."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import requests

from fake_server import FakeAutotask, Limits
from fake_server.admission import Gate
from harness.serving.server import ServedFake

from .conftest import BASE, CREDENTIALS


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _get(http: httpx.Client) -> httpx.Response:
    return http.get(f"{BASE}/Companies/0")


def test_limits_are_on_by_default_with_the_documented_numbers() -> None:
    limits = FakeAutotask().gate.limits
    assert (limits.enabled, limits.hourly_threshold, limits.window_seconds, limits.thread_limit) == (
        True,
        10_000,
        3600,
        3,
    )
    assert limits.latency_tiers == ((0.5, 0.5), (0.75, 1.0))


def test_hourly_threshold_adds_latency_then_answers_429_until_the_window_moves() -> None:
    clock = ManualClock()
    fake = FakeAutotask(limits=Limits(hourly_threshold=4, window_seconds=60, latency_tiers=((0.5, 0.2),)))
    fake.gate = Gate(fake.gate.limits, clock)
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        timings = []
        for _ in range(4):
            started = time.perf_counter()
            assert _get(http).status_code == 200
            timings.append(time.perf_counter() - started)
        assert max(timings[:1]) < 0.15 and min(timings[1:]) >= 0.2  # from 2 of 4 used, i.e. 50%
        refused = _get(http)
        assert refused.status_code == 429
        assert "threshold" in refused.json()["errors"][0]
        assert int(refused.headers["Retry-After"]) >= 1
        clock.now += 61
        assert _get(http).status_code == 200


def test_threshold_information_reports_usage(client: httpx.Client) -> None:
    for _ in range(3):
        client.get(f"{BASE}/Companies/0")
    info = client.get(f"{BASE}/ThresholdInformation").json()
    assert info == {
        "externalRequestThreshold": 10000,
        "requestThresholdTimeframe": 60,
        "currentTimeframeRequestCount": 4,
    }


def test_zone_information_is_not_limited() -> None:
    fake = FakeAutotask(limits=Limits(hourly_threshold=1))
    with fake.mock(), httpx.Client(headers=CREDENTIALS) as http:
        assert _get(http).status_code == 200
        assert _get(http).status_code == 429
        zone = http.get("https://webservices.autotask.net/ATServicesRest/V1.0/zoneInformation?user=u")
        assert zone.status_code == 200


def test_fourth_concurrent_request_on_one_endpoint_is_refused_in_process() -> None:
    fake = FakeAutotask(limits=Limits(latency_tiers=((0.0, 0.4),)))  # every call slow, so calls overlap
    barrier = threading.Barrier(4)

    def call(_: int) -> int:
        with httpx.Client(headers=CREDENTIALS) as http:
            barrier.wait()
            return _get(http).status_code

    with fake.mock(), ThreadPoolExecutor(4) as pool:
        statuses = sorted(pool.map(call, range(4)))
    assert statuses == [200, 200, 200, 429]
    refused = [e for e in fake.journal if e.status == 429]
    assert "Itgenatr005" in refused[0].response_json["errors"][0]


def test_thread_limit_is_per_endpoint_and_integration_code() -> None:
    fake = FakeAutotask(limits=Limits(latency_tiers=((0.0, 0.4),)))
    barrier = threading.Barrier(4)

    def call(n: int) -> int:
        headers = {**CREDENTIALS, "ApiIntegrationCode": f"code-{n % 2}"}
        with httpx.Client(headers=headers) as http:
            barrier.wait()
            return _get(http).status_code

    with fake.mock(), ThreadPoolExecutor(4) as pool:
        assert list(pool.map(call, range(4))) == [200] * 4


def test_fourth_concurrent_request_is_refused_over_http() -> None:
    fake = FakeAutotask(limits=Limits(latency_tiers=((0.0, 0.4),)))
    barrier = threading.Barrier(4)
    with ServedFake(fake) as served:

        def call(_: int) -> int:
            barrier.wait()
            return requests.get(f"{served.base_url}/Companies/0", headers=CREDENTIALS, timeout=10).status_code

        with ThreadPoolExecutor(4) as pool:
            assert sorted(pool.map(call, range(4))) == [200, 200, 200, 429]


# -- faults ---------------------------------------------------------------------------


def test_fault_answers_the_next_n_matching_requests_in_process(client: httpx.Client, fake: FakeAutotask) -> None:
    fake.inject_fault(status=503, errors=["Service unavailable"], times=2, method="GET", path=r"/Tickets/\d+$")
    assert client.get(f"{BASE}/Companies/0").status_code == 200
    assert client.post(f"{BASE}/Tickets/query", json={"filter": [{"op": "exist", "field": "id"}]}).status_code == 200
    answers = [client.get(f"{BASE}/Tickets/1") for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].json() == {"errors": ["Service unavailable"]}
    assert fake.gate.faults == []
    assert [e.status for e in fake.journal][-3:] == [503, 503, 200]


def test_fault_delay_holds_the_answer(client: httpx.Client, fake: FakeAutotask) -> None:
    fake.inject_fault(status=200, delay=0.3)
    started = time.perf_counter()
    client.get(f"{BASE}/Companies/0")
    assert time.perf_counter() - started >= 0.3


def test_dropped_connection_in_process(client: httpx.Client, fake: FakeAutotask) -> None:
    fake.inject_fault(drop=True)
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(f"{BASE}/Companies/0")
    assert fake.journal[-1].status == 0
    assert client.get(f"{BASE}/Companies/0").status_code == 200


def test_faults_over_http_status_delay_and_drop() -> None:
    with ServedFake(FakeAutotask()) as served:
        fake = served.fake
        fake.inject_fault(status=500, errors=["boom"], path="Companies")
        answer = requests.get(f"{served.base_url}/Companies/0", headers=CREDENTIALS)
        assert (answer.status_code, answer.json()) == (500, {"errors": ["boom"]})
        fake.inject_fault(status=200, delay=0.3)
        started = time.perf_counter()
        assert requests.get(f"{served.base_url}/Companies/0", headers=CREDENTIALS).status_code == 200
        assert time.perf_counter() - started >= 0.3
        fake.inject_fault(drop=True)
        with pytest.raises(requests.exceptions.RequestException):
            requests.get(f"{served.base_url}/Companies/0", headers=CREDENTIALS)
        assert requests.get(f"{served.base_url}/Companies/0", headers=CREDENTIALS).status_code == 200
        assert [e.status for e in served.journal] == [500, 200, 0, 200]

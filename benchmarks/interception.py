"""What intercepting ``requests`` costs per call with each well-kept mocking library, before any fake.

Run: ``python benchmarks/interception.py [--calls N] [--rounds N]`` (needs ``requests-mock`` besides the
project's own dependencies).

Each library answers ``GET`` with the same fixed JSON body from a callback, as the fake's mount does,
for a ``requests.Session`` the code under test makes itself (so a per-session transport adapter, which
needs the session handed to it, is not a candidate). Best of the interleaved rounds; nothing asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.append(str(Path(__file__).resolve().parent))  # after the standard library, for bench_cli

import argparse
import json
import time
from collections.abc import Callable

import requests
import responses

try:
    import requests_mock
except ImportError:  # not a dependency of the project: the bench extra brings it
    raise SystemExit("benchmarks/interception.py needs requests-mock: pip install -e '.[bench]'") from None
from bench_cli import positive

URL = "https://webservices19.autotask.net/ATServicesRest/V1.0/Tickets/1"
BODY = json.dumps({"item": {"id": 1, "title": "Printer offline"}}).encode()


def with_responses(calls: int) -> float:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock, requests.Session() as session:
        mock.add_callback("GET", URL, callback=lambda request: (200, {}, BODY), content_type="application/json")
        return _timed(lambda: session.get(URL), calls)


def with_requests_mock(calls: int) -> float:
    with requests_mock.Mocker() as mock, requests.Session() as session:
        mock.get(URL, content=lambda request, context: BODY, headers={"Content-Type": "application/json"})
        return _timed(lambda: session.get(URL), calls)


def _timed(action: Callable[[], object], calls: int) -> float:
    action()
    start = time.perf_counter()
    for _ in range(calls):
        action()
    return (time.perf_counter() - start) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=positive, default=1000)
    parser.add_argument("--rounds", type=positive, default=5)
    args = parser.parse_args()
    cases = {"responses": with_responses, "requests-mock": with_requests_mock}
    best = dict.fromkeys(cases, float("inf"))
    for _ in range(args.rounds):
        for name, case in cases.items():
            best[name] = min(best[name], case(args.calls))
    for name, seconds in best.items():
        print(f"{name:16} {seconds * 1e6:8.1f} us per GET   {seconds / best['responses']:.2f}x of responses")


if __name__ == "__main__":
    main()

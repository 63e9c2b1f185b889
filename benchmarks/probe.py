"""How long ``autotask-harness probe`` takes against a served fake, as a share of the same requests' plain cost.

Run: ``python benchmarks/probe.py [--runs N]``

1. A full probe (with its cassette) of a default-profile fake served on loopback: wall time and requests.
2. The baseline in the same run: the same number of plain ``GET /Tickets/{id}`` calls over the same
   connection kind, so the ratio shows what the probe's own work (and vcrpy's recording) adds.

Nothing here asserts a time; it prints what it measured.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.append(str(Path(__file__).resolve().parent))  # after the standard library, for bench_cli

import argparse
import io
import statistics
import tempfile
import time

import httpx
from bench_cli import positive
from rich.console import Console

from fake_server import FakeAutotask, Limits
from harness.probe import ProbeOptions, run_probe
from harness.serving.server import ServedFake

HEADERS = {"UserName": "bench@example.invalid", "Secret": "bench", "ApiIntegrationCode": "BENCH"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=positive, default=5)
    runs = parser.parse_args().runs
    probe_times, plain_times, requests = [], [], 0
    with ServedFake(FakeAutotask("default", limits=Limits.off())) as served, tempfile.TemporaryDirectory() as out:
        ticket = served.fake.seed("Tickets", {"companyID": 0, "title": "baseline", "status": 1, "priority": 2})
        for run in range(runs):
            started = time.perf_counter()
            result = run_probe(
                ProbeOptions(served.root_url, Path(out) / str(run)),
                *HEADERS.values(),
                console=Console(file=io.StringIO()),
            )
            probe_times.append(time.perf_counter() - started)
            requests = result.requests
            assert result.ok, result.failed
            with httpx.Client(headers=HEADERS) as http:
                started = time.perf_counter()
                for _ in range(requests):
                    http.get(f"{served.base_url}/Tickets/{ticket}")
                plain_times.append(time.perf_counter() - started)
    probe, plain = statistics.median(probe_times), statistics.median(plain_times)
    print(
        f"probe against the served fake: {requests} requests, median {probe:.3f} s over {runs} runs "
        f"(min {min(probe_times):.3f}, max {max(probe_times):.3f})"
    )
    print(f"baseline, {requests} plain GETs: median {plain:.3f} s")
    print(f"probe / baseline: {probe / plain:.2f}x")


if __name__ == "__main__":
    main()

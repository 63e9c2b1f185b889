"""What keeping credentials out of the journal costs on large and adversarial requests, as ratios against
parsing the same bytes as JSON in the same run (a served fake parses every body it is sent).

Run: ``python benchmarks/redaction.py [--size BYTES] [--adversarial BYTES] [--rounds N]``

Rows, each the best of ``--rounds`` runs, divided by ``json.loads`` of the same bytes (a text body
is parsed as one JSON string):
- a 4 MiB JSON body with a credential in it, redacted key by key (``scrub_body``);
- a 4 MiB text body with a credential in it, searched as a URL is;
- a 64 KB adversarial body and ``search=``: runs of ``,"``, every character where a credential's name
  might start (the search this replaced rescanned the rest of the run from each: quadratic).
Nothing is asserted: the figures are read side by side with a baseline checkout's.
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
from typing import Any

from bench_cli import positive

from fake_server.redaction import scrub_body, scrub_url


def best(work: Callable[[], Any], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def json_body(size: int) -> bytes:
    record = {"id": 1, "title": "Printer on fire", "description": "x" * 200, "status": 1, "priority": 2}
    count = max(1, size // len(json.dumps(record)))
    return json.dumps({"items": [record] * count, "credentials": {"password": "hunter2-hunter2"}}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=positive, default=4 * 1024 * 1024, help="bytes of the large bodies")
    parser.add_argument("--adversarial", type=positive, default=64 * 1024, help="bytes of the adversarial ones")
    parser.add_argument("--rounds", type=positive, default=5)
    args = parser.parse_args()
    large_json = json_body(args.size)
    large_text = b"note=" + b"word " * (args.size // 5) + b"&password=hunter2-hunter2"
    adversarial = b',"' * (args.adversarial // 2)
    big, small = f"{args.size / 2**20:g} MiB", f"{args.adversarial / 2**10:g} KB"
    rows = [
        (f"{big} JSON body, scrub_body", lambda: scrub_body(large_json), large_json),
        (f"{big} text body, scrub_body", lambda: scrub_body(large_text), large_text),
        (f'{small} ," body, scrub_body', lambda: scrub_body(adversarial + b" password=x"), adversarial),
        (
            f'{small} ," search=, scrub_url',
            lambda: scrub_url("/Tickets/query?search=" + adversarial.decode()),
            adversarial,
        ),
    ]
    print(f"best of {args.rounds}; ratio to json.loads of the same bytes in this run")
    for name, work, data in rows:
        parsed = data if data is large_json else json.dumps(data.decode()).encode()  # text as a JSON string
        baseline = best(lambda parsed=parsed: json.loads(parsed), args.rounds)  # type: ignore[misc]
        spent = best(work, args.rounds)
        print(f"  {name:32} {spent * 1000:10.2f} ms  {spent / baseline:8.1f}x")


if __name__ == "__main__":
    main()

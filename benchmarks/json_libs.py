"""JSON libraries on the fake's own workload: reading a write's body and writing a ticket's item, with the
standard library as the fake used it, orjson (which the fake takes) and msgspec (when installed), and what the
fake does now (``jsonbody.read_plain``: orjson behind a check for long digit runs; ``rendering.item_text``
from the stored record).

Run: ``python benchmarks/json_libs.py [--rounds 7]``

The bodies are those of ``benchmarks/http.py``'s mixed workload on the sample tenant: a PUT of a whole
ticket and a note's create; the item is a sample ticket as a GET answers it. Each figure is the best of
``--rounds`` timings, printed with its ratio to the standard library in the same run; nothing is asserted.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds a file named http.py: keep it from shadowing the standard library's http package.
if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)
sys.path.append(str(Path(__file__).resolve().parent))  # after the standard library, for http_workload

import argparse
import importlib.util
import json
import timeit
from collections.abc import Callable
from typing import Any

import orjson
from bench_cli import positive
from http_workload import NOTE, TICKET_ID, put_body, sample_fake

from fake_server.http_types import JSON_ENCODER
from fake_server.jsonbody import _DECODER, read_plain
from fake_server.rendering import item_text, render

Reader = Callable[[bytes], Any]
Writer = Callable[[Any], bytes]


def _libraries(fake_writes: Writer) -> dict[str, tuple[Reader, Writer]]:
    """Each library's reading of bytes and writing of a value as compact UTF-8 JSON, and the fake's own."""

    def standard_read(raw: bytes) -> Any:  # what the fake did before: the text decoded, its strict decoder
        return _DECODER.decode(raw.decode("utf-8"))

    def standard_write(value: Any) -> bytes:
        return JSON_ENCODER.encode(value).encode("utf-8")

    found: dict[str, tuple[Reader, Writer]] = {
        "standard library": (standard_read, standard_write),
        "orjson": (orjson.loads, orjson.dumps),
    }
    if importlib.util.find_spec("msgspec") is not None:
        import msgspec

        decoder, encoder = msgspec.json.Decoder(), msgspec.json.Encoder()
        found["msgspec"] = (decoder.decode, encoder.encode)
    found["the fake now"] = (read_plain, fake_writes)
    return found


def _best(call: Callable[[], Any], rounds: int) -> float:
    """Seconds per call, the best of ``rounds`` timings of enough calls to take about 0.2 s each."""
    timer = timeit.Timer(call)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=rounds, number=number)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=positive, default=7)
    args = parser.parse_args()
    fake = sample_fake()
    entity = fake.catalog.get("Tickets")
    assert entity is not None
    record = fake.store.table("Tickets").get(TICKET_ID) or {}
    names = list(fake.tenant.udf_types(entity))
    item = render(entity, record, names)
    cases = {
        "read a whole-ticket PUT body": ("read", put_body(fake, TICKET_ID).encode()),
        "read a note body": ("read", json.dumps(NOTE).encode()),
        "write a ticket's item": ("write", item),
    }
    libraries = _libraries(lambda value: item_text(entity, record, names))  # from the record, as a GET does
    if "msgspec" not in libraries:
        print("msgspec is not installed (pip install msgspec): measuring the standard library and orjson")
    print(f"best of {args.rounds} rounds; microseconds per call (ratio to the standard library)")
    print(f"{'':32}" + "".join(f"{name:>26}" for name in libraries))
    for label, (kind, data) in cases.items():
        cells, first = [], None
        for read, write in libraries.values():
            call = (lambda f=read, d=data: f(d)) if kind == "read" else (lambda f=write, d=data: f(d))
            seconds = _best(call, args.rounds)
            first = first or seconds
            cells.append(f"{seconds * 1e6:.2f} ({seconds / first:.2f}x)")
        print(f"{label:32}" + "".join(f"{cell:>26}" for cell in cells))


if __name__ == "__main__":
    main()

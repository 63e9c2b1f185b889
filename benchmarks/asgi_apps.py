"""App factories for running the benchmark's floor and fake under servers started from the command line.

``granian --interface asgi --factory asgi_apps:floor`` (with ``BENCH_BODIES`` naming the bodies file) and
``asgi_apps:fake`` build the very apps ``http_floor.py`` and ``autotask-harness serve --seed sample`` run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

# This folder holds a file named http.py: keep it from shadowing the standard library's http package. A
# server may put the folder on the path more than once, or as "" (the working directory), so every entry
# naming it goes, and it comes back last, after the standard library, for http_floor. (The rewrite sits in an
# ``if`` because ruff accepts a path change before imports in that form, not as a bare assignment.)
if sys.path:
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != Path(__file__).resolve().parent]
sys.path.append(str(Path(__file__).resolve().parent))

from http_floor import make_app

from fake_server import FakeAutotask, Limits
from fake_server.asgi import AsgiApp
from fake_server.sample import sample_snapshot


def floor() -> Any:
    bodies = json.loads(Path(os.environ["BENCH_BODIES"]).read_text("utf-8"))
    return make_app({key: value.encode("utf-8") for key, value in bodies.items()})


def fake() -> AsgiApp:
    served = FakeAutotask(limits=Limits.off())
    served.load_snapshot(sample_snapshot())
    served.journal.clear()
    return AsgiApp(served)

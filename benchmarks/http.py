"""Requests per second of the served fake, against a floor and WireMock measured in the same run.

Run: ``python benchmarks/http.py [--connections 8] [--seconds 4] [--rounds 5] [--server uvicorn|granian|both]
[--baseline DIR] [--no-wiremock] [--by-credentials]``

Needs ``wrk`` (Debian package ``wrk``). For each target it measures ``GET /Tickets/{id}``
and a ``ticketNumber`` ``eq`` query (POST), each repeated and each asking for a new ticket every time, and a
mixed workload as an integration sends it (per ticket, in turn: the zone lookup, a query of its number, a
GET, a note created, a PUT of the whole ticket, a query of its time entries), keep-alive, N concurrent
connections:

- floor: a minimal ASGI app answering the very same bytes, under the same server setup;
- fake: ``autotask-harness serve --seed sample --no-limits`` (limits off: 10,000 an hour would throttle);
- with ``--server granian`` (or ``both``), the same floor and fake under granian (``pip install granian``),
  the alternative ASGI server the issue asks to measure when uvicorn misses the target;
- WireMock: the standalone jar from the npm package ``wiremock``, serving static stubs of the same bodies
  (skipped, with a message, when Java or npm is missing).

``--baseline DIR`` adds the fake as a checkout of another commit serves it (``git worktree add DIR REV``),
started the same way with that tree first on the import path: before/after figures of a change, side by
side in one run, as "fake/baseline". ``--by-credentials`` adds ``serve --tenants by-credentials``, whose
tenant is looked up from the credential headers on every request, as "by-credentials/fake".

Each round starts every target afresh and warms it on every call, then measures each call on every target
back to back (the others wait idle), so that a ratio divides figures taken seconds apart. Ratios are taken
within a round and the median over rounds is reported with the range, since this machine's speed swings
more than the code's does. Nothing is asserted; it prints what it measured.
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
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from typing import Any

from bench_cli import checkout, positive
from http_workload import (
    GET_PATH,
    HEADERS,
    QUERY_PATH,
    TICKET_ID,
    expected_bodies,
    write_mixed_script,
    write_varied_scripts,
)

ROOT = Path(__file__).resolve().parent
CACHE = ROOT / ".cache"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def wiremock_jar() -> Path | None:
    found = sorted(CACHE.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    if found:
        return found[-1]
    if shutil.which("npm") is None:
        return None
    CACHE.mkdir(exist_ok=True)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(CACHE), "wiremock@3"],
        check=False,
        capture_output=True,
        timeout=600,
    )
    found = sorted(CACHE.glob("node_modules/wiremock/build/wiremock-standalone-*.jar"))
    return found[-1] if found else None


def start_wiremock(bodies: dict[str, str], workdir: Path) -> tuple[subprocess.Popen[bytes], int] | str:
    """WireMock serving the same bodies as static stubs, or why it cannot run here."""
    if shutil.which("java") is None:
        return "WireMock skipped: no java on this machine"
    jar = wiremock_jar()
    if jar is None:
        return "WireMock skipped: the npm package wiremock could not be installed"
    mappings = workdir / "wiremock" / "mappings"
    mappings.mkdir(parents=True, exist_ok=True)
    for number, (key, body) in enumerate(bodies.items()):
        method, path = key.split(" ", 1)
        # The exact URL first; any ticket id next, for the rounds that ask for a different ticket each time.
        pattern = re.escape(path).replace(f"/{TICKET_ID}", "/[0-9]+")
        matchers = [{"url": path, "priority": 1}, {"urlPattern": pattern, "priority": 5}]
        for variant, matcher in enumerate(matchers):
            stub = {
                "request": {"method": method, **{k: v for k, v in matcher.items() if k != "priority"}},
                "priority": matcher["priority"],
                "response": {
                    "status": 200,
                    "body": body,
                    "headers": {"Content-Type": "application/json; charset=utf-8"},
                },
            }
            (mappings / f"stub{number}-{variant}.json").write_text(json.dumps(stub), encoding="utf-8")
    port = free_port()
    process = subprocess.Popen(
        [
            "java",
            "-jar",
            str(jar),
            "--port",
            str(port),
            "--bind-address",
            "127.0.0.1",
            "--root-dir",
            str(workdir / "wiremock"),
            "--disable-banner",
            "--no-request-journal",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, port


def run_wrk(port: int, path: str, connections: int, seconds: int, script: Path | None) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s"]
    for name, value in HEADERS.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"non-2xx answers from port {port} {path}:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None:
        raise RuntimeError(output)
    return float(match.group(1))


def granian_command(port: int, factory: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-ws",
        "--log-level",
        "warning",
        "--no-access-log",
        "--factory",
        "--working-dir",
        str(ROOT),
        f"asgi_apps:{factory}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=positive, default=8)
    parser.add_argument("--seconds", type=positive, default=4)
    parser.add_argument("--rounds", type=positive, default=5)
    parser.add_argument("--server", choices=("uvicorn", "granian", "both"), default="uvicorn")
    parser.add_argument(
        "--baseline", type=checkout, default=None, help="a checkout of another commit, measured beside this one"
    )
    parser.add_argument("--no-wiremock", action="store_true", help="leave WireMock out (no Java needed)")
    parser.add_argument(
        "--by-credentials",
        action="store_true",
        help="add the fake served with --tenants by-credentials (wrk's one API user: one tenant, found per request)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("benchmarks/http.py needs wrk (apt-get install wrk); nothing measured")
        return
    servers = ["uvicorn", "granian"] if args.server == "both" else [args.server]
    if "granian" in servers and importlib.util.find_spec("granian") is None:
        print("granian is not installed (pip install granian); measuring uvicorn only")
        servers = [s for s in servers if s != "granian"] or ["uvicorn"]
    bodies, query = expected_bodies()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "bodies.json").write_text(json.dumps(bodies), encoding="utf-8")
        post = work / "post.lua"
        post.write_text(
            'wrk.method = "POST"\nwrk.body = '
            + json.dumps(query)
            + '\nwrk.headers["Content-Type"] = "application/json"\n',
            encoding="utf-8",
        )
        varied_get, varied_query = work / "varied_get.lua", work / "varied_query.lua"
        write_varied_scripts(varied_get, varied_query)
        mixed = work / "mixed.lua"
        write_mixed_script(mixed)
        calls = [(GET_PATH, None), (QUERY_PATH, post), (GET_PATH, varied_get), (QUERY_PATH, varied_query)]
        calls.append((GET_PATH, mixed))
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "BENCH_BODIES": str(work / "bodies.json")}

        def floor() -> tuple[subprocess.Popen[bytes], int] | str:
            port = free_port()
            return subprocess.Popen(
                [sys.executable, str(ROOT / "http_floor.py"), str(port), str(work / "bodies.json")],
                env=env,
                stdout=subprocess.DEVNULL,
            ), port

        def fake(tree: Path | None = None, *extra: str) -> tuple[subprocess.Popen[bytes], int] | str:
            port = free_port()
            where = env if tree is None else {**env, "PYTHONPATH": str(tree.resolve())}
            serve = ["serve", "--port", str(port), "--seed", "sample", "--no-limits", *extra]
            return subprocess.Popen(
                [sys.executable, "-m", "harness.cli.app", *serve],
                env=where,
                stdout=subprocess.DEVNULL,
                cwd=None if tree is None else tree,
            ), port

        def baseline() -> tuple[subprocess.Popen[bytes], int] | str:
            return fake(args.baseline)

        def by_credentials() -> tuple[subprocess.Popen[bytes], int] | str:
            return fake(None, "--tenants", "by-credentials")

        def under_granian(factory: str) -> Any:
            def start() -> tuple[subprocess.Popen[bytes], int] | str:
                port = free_port()
                return subprocess.Popen(granian_command(port, factory), env=env, stdout=subprocess.DEVNULL), port

            return start

        def wiremock() -> tuple[subprocess.Popen[bytes], int] | str:
            return start_wiremock(bodies, work)

        targets: dict[str, Any] = {}
        if "uvicorn" in servers:
            targets.update({"floor (fixed body, uvicorn)": floor, "fake (serve, uvicorn)": fake})
            if args.baseline is not None:
                targets["baseline fake (serve, uvicorn)"] = baseline
            if args.by_credentials:
                targets["fake by credentials (uvicorn)"] = by_credentials
        if "granian" in servers:
            targets.update(
                {
                    "floor (fixed body, granian)": under_granian("floor"),
                    "fake (same app, granian)": under_granian("fake"),
                }
            )
        if not args.no_wiremock:
            targets["WireMock (static stubs)"] = wiremock
        rounds: dict[str, list[tuple[float, ...]]] = {}
        for _ in range(args.rounds):
            running: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
            try:
                for name, start in targets.items():
                    started = start()
                    if isinstance(started, str):
                        print(started)
                        continue
                    running[name] = started
                    wait_for(started[1], started[0])
                    for path, script in calls:  # warm-up on every call, the JVM's JIT most of all
                        run_wrk(started[1], path, args.connections, 2, script)
                # Each call is measured on every target back to back, so that the machine's swings, which last
                # from seconds to minutes here, fall alike on the figures a ratio divides. Only the measured
                # server is asked anything; the others wait idle.
                measured: dict[str, list[float]] = {name: [] for name in running}
                for path, script in calls:
                    for name, (_, port) in running.items():
                        measured[name].append(run_wrk(port, path, args.connections, args.seconds, script))
            finally:
                for process, _ in running.values():
                    process.terminate()
                for process, _ in running.values():
                    process.wait(timeout=30)
            for name, figures in measured.items():
                rounds.setdefault(name, []).append(tuple(figures))
            targets = {name: start for name, start in targets.items() if name in rounds}
    report(rounds, servers, args)


CALLS = (
    "GET /Tickets/{id}",
    "ticketNumber query",
    "GET, each a new id",
    "query, each a new number",
    "mixed integration workload",
)


def _ratios(numerator: list[tuple[float, ...]], denominator: list[tuple[float, ...]], call: int) -> str:
    """The median of the ratios of each round's pair, with their range: rounds next to each other in time
    share the machine's mood, which on a shared 2-core machine swings more than the code's speed."""
    ratios = sorted(n[call] / d[call] for n, d in zip(numerator, denominator, strict=True))
    return f"{statistics.median(ratios):.2f}x ({ratios[0]:.2f}-{ratios[-1]:.2f})"


def report(rounds: dict[str, list[tuple[float, ...]]], servers: list[str], args: argparse.Namespace) -> None:
    print(
        f"{args.connections} keep-alive connections, wrk -t1, {args.rounds} interleaved rounds of {args.seconds} s;"
        " requests per second, median of the rounds (best in brackets)"
    )
    print(f"{'target':30}" + "".join(f"{call:>27}" for call in CALLS))
    for name, results in rounds.items():
        cells = [
            f"{statistics.median(r[i] for r in results):.0f} ({max(r[i] for r in results):.0f})"
            for i in range(len(CALLS))
        ]
        print(f"{name:30}" + "".join(f"{cell:>27}" for cell in cells))
    mock = rounds.get("WireMock (static stubs)")
    print("Ratios taken within each round: median (range)")
    for server in servers:
        floor = rounds[next(n for n in rounds if n.startswith("floor") and server in n)]
        fake = rounds[next(n for n in rounds if n.startswith("fake (") and server in n)]
        pairs = [(f"floor/fake {server} (<= 1.5x)", floor, fake)]
        if "baseline fake (serve, uvicorn)" in rounds and server == "uvicorn":
            pairs.append(("fake/baseline (1x: unchanged)", fake, rounds["baseline fake (serve, uvicorn)"]))
        if "fake by credentials (uvicorn)" in rounds and server == "uvicorn":
            pairs.append(("by-credentials/fake", rounds["fake by credentials (uvicorn)"], fake))
        if mock:
            pairs.append((f"fake {server}/WireMock (> 1x)", fake, mock))
        for label, numerator, denominator in pairs:
            print(f"{label:30}" + "".join(f"{_ratios(numerator, denominator, i):>27}" for i in range(len(CALLS))))


if __name__ == "__main__":
    main()

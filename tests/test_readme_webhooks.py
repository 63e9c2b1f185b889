"""The webhook guide's examples (docs/guides/webhooks.md), run as written: the in-process block, and the served
command line."""

from __future__ import annotations

import shlex
import time

import httpx

from tests.conftest import CREDENTIALS
from tests.doc_blocks import named
from tests.serve_process import harness_process
from tests.test_webhooks import register
from tests.webhook_receiver import SECRET_KEY, serving

GUIDE = "docs/guides/webhooks.md"


def block(name: str) -> str:
    """The block of the guide marked ``<!-- run-by: tests/test_readme_webhooks.py NAME -->``."""
    return named(GUIDE, name).code


def test_the_readme_in_process_webhook_example_runs_and_its_receiver_verifies_the_signature() -> None:
    namespace: dict[str, object] = {}
    exec(compile(block("webhooks-in-process"), GUIDE, "exec"), namespace)
    assert namespace["got"] == [True]


def test_the_readme_serve_line_serves_a_fake_that_calls_a_loopback_receiver() -> None:
    words = shlex.split(block("webhooks-served").strip())
    assert words[:2] == ["autotask-harness", "serve"]
    process, base, _ = harness_process("serve", *words[2:], "--no-limits")
    try:
        with serving(SECRET_KEY) as receiver, httpx.Client(headers=CREDENTIALS, timeout=10) as http:
            register(http, receiver, base=base)
            http.post(f"{base}/Tickets", json={"companyID": 0, "title": "Printer offline", "status": 1, "priority": 2})
            deadline = time.monotonic() + 10  # served, a thread delivers: nothing to drain
            while not receiver.callouts() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert [c.verified for c in receiver.callouts()] == [True]
    finally:
        process.terminate()
        process.wait(timeout=30)

"""The cassettes guide's record-then-verify recipe, run from its block: ``serve --seed sample``, ``record`` in
front of it with the same ``--seed``, a client through the proxy, then ``verify`` against a fresh fake gives 0
differences. (``record --seed sample`` was refused, and a cassette without its seed replayed on an empty
tenant: drift.)"""

from __future__ import annotations

import shlex
import signal
from pathlib import Path

from harness.cassettes.vcr import read_cassette
from harness.contract.client import AutotaskClient

from .doc_blocks import named
from .serve_process import harness_process, run_harness

RECIPE = named("docs/guides/cassettes.md", "record-then-verify").code


def _command(start: str) -> list[str]:
    """The arguments of the recipe's ``autotask-harness START ...`` line, without a trailing ``&``."""
    line = next(line for line in RECIPE.splitlines() if line.startswith(f"autotask-harness {start} "))
    return shlex.split(line.removesuffix("&"))[2:]


def test_a_recording_of_the_served_sample_verifies_with_no_differences(tmp_path: Path) -> None:
    serve_args, record_args, verify_args = _command("serve"), _command("record"), _command("verify")
    assert "--seed" in record_args and record_args[record_args.index("--seed") + 1] == "sample", RECIPE
    server, served_base, _ = harness_process("serve", "--port", "0", "--no-limits", *serve_args)
    try:
        upstream = served_base.rsplit("/ATServicesRest", 1)[0]
        out = tmp_path / "rec"
        # The recipe's upstream and folder, made this test's: the served fake's free port and a temporary folder.
        record_args[record_args.index("--upstream") + 1] = upstream
        record_args[record_args.index("--out") + 1] = str(out)
        recorder, base, _ = harness_process("record", "--port", "0", *record_args)
        try:
            root = base.rsplit("/ATServicesRest", 1)[0]
            client = AutotaskClient.discover(f"{root}/ATServicesRest", "rec@example.invalid", "rec-secret", "REC")
            ticket = next(iter(client.query("Tickets", [{"op": "eq", "field": "id", "value": 1}])))
            client.resolve(ticket["ticketNumber"], "Checked.", "Resolved.", completing_status=5)
        finally:
            recorder.send_signal(signal.SIGINT)
            printed, _ = recorder.communicate(timeout=30)
        assert recorder.returncode == 0, printed
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
    cassette = out / Path(verify_args[0]).name
    provenance = read_cassette(cassette)["metadata"]["provenance"]
    assert provenance["seed"] and provenance["profile"] == "default"
    assert len(read_cassette(cassette)["interactions"]) >= 6
    verified = run_harness("verify", str(cassette), *verify_args[1:])
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.strip().endswith("0 differences in 1 cassette against fake")

"""The README's record-then-verify recipe, end to end: ``serve --seed sample``, ``record`` in front of it with
the same ``--seed``, a client through the proxy, then ``verify`` against a fresh fake gives 0 differences.
(``record --seed sample`` was refused, and a cassette without its seed replayed on an empty tenant: drift.)"""

from __future__ import annotations

import signal
from pathlib import Path

from harness.cassettes import read_cassette
from harness.client import AutotaskClient

from .serve_process import harness_process, run_harness, serve_process


def test_a_recording_of_the_served_sample_verifies_with_no_differences(tmp_path: Path) -> None:
    server, served_base, _ = serve_process("--seed", "sample")
    try:
        upstream = served_base.rsplit("/ATServicesRest", 1)[0]
        out = tmp_path / "rec"
        recorder, base, _ = harness_process(
            "record", "--port", "0", "--upstream", upstream, "--out", str(out), "--seed", "sample"
        )
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
    cassette = out / "recording.json"
    provenance = read_cassette(cassette)["metadata"]["provenance"]
    assert provenance["seed"] and provenance["profile"] == "default"
    assert len(read_cassette(cassette)["interactions"]) >= 6
    verified = run_harness("verify", str(cassette), "--target", "fake")
    assert verified.returncode == 0, verified.stdout
    assert verified.stdout.strip().endswith("0 differences in 1 cassette against fake")

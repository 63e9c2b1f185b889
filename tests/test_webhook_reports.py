"""The receiver contract's reports, the command line and the fixture; no secret key or signature anywhere."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from typing import Any

import pytest

from fake_server import FakeAutotask
from harness.webhooks.battery import battery
from harness.webhooks.contract import ReceiverConfig, run_contract
from harness.webhooks.receiver import Receiver, make_receiver
from harness.webhooks.report import html, junit, text

from .broken_receivers import make_reserialising, make_twice
from .serve_process import run_harness

KEY = "wh-secret-7f3a9c2e5b1d"


class EchoingReceiver(Receiver):
    """Answers every callout with the signature it got and the key it holds, as a careless debug page might."""

    def receive_callout(self, body: bytes, header: str | None) -> tuple[int, dict[str, Any]]:
        status, answer = super().receive_callout(body, header)
        return status, {**answer, "signature": header, "key": self.secret_key}


def make_echoing(config: ReceiverConfig) -> EchoingReceiver:
    return EchoingReceiver(config.base_url, config.username, config.secret, config.integration_code, config.secret_key)


def test_no_report_or_journal_carries_the_key_or_a_signature() -> None:
    run = run_contract(make_echoing, secret_key=KEY, timeout=3)
    signatures = {s for s in run.redactions if s != KEY}
    assert len(signatures) >= 8
    reports = [text(run, verbose=True), junit(run), html(run)]
    answers = [e.response_body.decode() for c in run.cases for e in c.outcome.traffic]
    headers = [json.dumps(e.request_headers) for c in run.cases for e in c.outcome.traffic]
    for written in [*reports, *answers, *headers]:
        assert KEY not in written
        assert not any(s in written for s in signatures)
    # The receiver did echo them: they were there to leak, and the answers show where they were removed.
    assert any('"key": "REDACTED"' in a for a in answers)


def test_command_receiver_takes_callouts_on_its_path_and_its_output_and_journal_carry_no_secret() -> None:
    run = run_contract(
        ".venv/bin/python -m harness.webhooks.receiver --port {port}",
        secret_key=KEY,
        timeout=3,
        path="/hook",
    )
    assert run.passed, text(run)
    assert {e.url.rsplit(":", 1)[1].split("/", 1)[1] for c in run.cases for e in c.outcome.traffic if e.outbound} == {
        "hook"
    }
    assert "deactivation notice received" in run.output  # what it logged reached us, without the key
    assert KEY not in run.output and not any(s in run.output for s in run.redactions)
    journal = json.dumps([e.to_dict() for c in run.cases for e in c.outcome.traffic])
    assert KEY not in journal


def test_junit_has_a_case_per_callout_case_and_names_the_broken_rule() -> None:
    run = run_contract(make_twice, timeout=3)
    suite = ElementTree.fromstring(junit(run))
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert len(cases) == 9 and suite.get("failures") == str(sum(not c.outcome.passed for c in run.cases))
    failure = cases["duplicate delivery"].find("failure")
    assert failure is not None and "act-once-per-event" in (failure.get("message") or "")
    assert cases["valid callout"].find("failure") is None


def test_html_report_shows_each_case_with_its_findings() -> None:
    page = html(run_contract(make_reserialising, timeout=3))
    assert page.count('<section class="workflow"') == 9
    assert "verify-raw-body" in page and "escaped characters" in page
    deliveries = sum(len(case.deliveries) for case in battery(FakeAutotask(), "any-key"))
    assert page.count("webhook callout</b>") == deliveries == 14  # every delivery, marked as a callout


def test_command_line_fails_a_broken_receiver_naming_the_rule() -> None:
    done = run_harness("webhooks", "--receiver", "tests.broken_receivers:make_twice", "--timeout", "3")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "[act-once-per-event]" in done.stdout
    assert "duplicate delivery     failed" in done.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--receiver", "a:b", "--command", "c"], "not both"),
        (["--timeout", "0"], "--timeout"),
        (["--receiver", "nothing"], "module:factory"),
        (["--path", "hook"], "must start with /"),
        (["--profile", "nope"], "no tenant profile named"),
        (["--command", "receiver --port {prot}"], "placeholders are {port} and {base_url}"),
        (["--command", ".venv/bin/python -c pass"], "the receiver did not listen"),
    ],
)
def test_command_line_mistakes_exit_2_with_a_short_message(args: list[str], says: str) -> None:
    done = run_harness("webhooks", *args)
    assert done.returncode == 2
    assert says in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) <= 4


def test_fixture_checks_a_receiver_and_fails_a_broken_one(autotask_webhook_contract: Any) -> None:
    assert autotask_webhook_contract.check(make_receiver, timeout=3).passed
    with pytest.raises(pytest.fail.Exception) as failed:
        autotask_webhook_contract.check(make_twice, timeout=3)
    assert "[act-once-per-event]" in str(failed.value)

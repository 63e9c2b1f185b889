"""What the ``autotask_webhook_contract`` fixture hands a test: the receiver contract for a Python receiver,
served in the test's own process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fake_server import TenantProfile

from .contract import ReceiverFactory, ReceiverRun, run_contract
from .report import text


class WebhookContract:
    """``run(factory)`` returns the verdicts; ``check(factory)`` fails the test with the report when a rule
    is broken. Options of both: ``timeout`` (seconds a callout waits, Autotask's 10 by default) and ``quiet``
    (how long the journal must stay quiet before the next callout)."""

    def __init__(self, profile: TenantProfile | str | Path) -> None:
        self.profile = profile

    def run(self, factory: ReceiverFactory, **options: Any) -> ReceiverRun:
        return run_contract(factory, profile=self.profile, **options)

    def check(self, factory: ReceiverFactory, **options: Any) -> ReceiverRun:
        run = self.run(factory, **options)
        if not run.passed:
            pytest.fail(text(run), pytrace=False)
        return run

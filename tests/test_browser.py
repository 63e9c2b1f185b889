"""The HTML reports and serve's live view, opened in a real browser (Debian's chromium, headless).

Playwright drives the system's chromium (no downloaded browser). Each test saves a screenshot to
``AUTOTASK_SCREENSHOT_DIR`` (default: the test's temporary directory).
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from harness.cli.app import app

from .conftest import CREDENTIALS
from .serve_process import run_harness, serve_process

CHROMIUM = next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)
try:
    from playwright.sync_api import Browser, sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or sync_playwright is None,
    reason="needs chromium (apt-get install -y chromium; .ci/run installs it) and playwright (the dev extra)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


# Resolved now: a test may change directory before it saves its screenshot.
SHOTS = Path(os.environ["AUTOTASK_SCREENSHOT_DIR"]).resolve() if os.environ.get("AUTOTASK_SCREENSHOT_DIR") else None


def _shots(tmp_path: Path) -> Path:
    folder = SHOTS or tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_the_check_report_links_each_finding_to_its_exchanges(
    browser: Browser, breach_journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "check.html"
    monkeypatch.chdir(breach_journal.parent)  # the report names the journal as the user gave it
    CliRunner().invoke(app, ["check", breach_journal.name, "--html", str(report)])
    page = browser.new_page()
    page.goto(report.as_uri())
    assert page.locator(".workflow").count() == 1
    assert page.locator(".exchange").count() == 3  # the sequence: request, then answer, for each
    assert page.locator(".finding b").first.inner_text() == "no-ticket-patch"
    page.locator(".finding a.to-exchange").first.click()
    assert page.url.endswith("#w0-e2")
    assert "hit" in (page.locator("#w0-e2").get_attribute("class") or "")
    assert "PATCH" in page.locator("#w0-e2").inner_text()
    body = page.locator("#w0-e2 details").first
    assert not body.locator("pre").is_visible()
    body.locator("summary").click()
    assert body.locator("pre").is_visible() and "patched" in body.locator("pre").inner_text()
    page.screenshot(path=str(_shots(tmp_path) / "check-report.png"), full_page=True)


def test_the_contract_report_answers_which_client_workflows_rules_and_outcome(browser: Browser, tmp_path: Path) -> None:
    report = tmp_path / "contract.html"
    done = run_harness("contract", "--html", str(report), timeout=300, env={"AUTOTASK_CONTRACT_EXAMPLES": "2"})
    assert done.returncode == 0, done.stdout[-2000:]
    page = browser.new_page()
    page.goto(report.as_uri())
    summary = page.locator("table").first.inner_text()
    assert "the reference client" in summary and "tenant profile" in summary
    names = page.locator(".workflow h2").all_inner_texts()
    assert len(names) == 9 and any(n.startswith("scenario ") for n in names)
    assert page.locator(".workflow .rules span").count() > 9  # the rules that judged each
    scenario = next(i for i, name in enumerate(names) if name.startswith("scenario "))
    assert page.locator(f"#w{scenario} .exchange").count() > 0
    page.locator(f"a[href='#w{scenario}']").click()
    assert page.url.endswith(f"#w{scenario}")
    page.screenshot(path=str(_shots(tmp_path) / "contract-report.png"), full_page=True)


def test_the_live_view_shows_the_journal_as_it_grows(browser: Browser, tmp_path: Path) -> None:
    process, base, _ = serve_process("--state-api", "--seed", "sample")
    root = base.rsplit("/ATServicesRest", 1)[0]
    try:
        with httpx.Client(headers=CREDENTIALS) as http:
            http.get(f"{base}/Tickets/1")
            http.patch(f"{base}/Tickets", json={"id": 1, "title": "patched"})
        page = browser.new_page()
        page.goto(f"{root}/_harness/")
        assert page.locator("#count").inner_text() == "2"
        assert "no-ticket-patch" in page.locator(".finding").first.inner_text()
        assert page.locator(".exchange").count() == 2
        assert "Tickets: 1200" in page.locator("#live").inner_text()
        httpx.get(f"{base}/Companies/0", headers=CREDENTIALS)
        page.wait_for_function("document.getElementById('count').textContent === '3'", timeout=10_000)
        assert page.locator(".exchange").count() == 3
        page.locator(".finding a").first.click()
        assert page.url.endswith("#e2")
        assert httpx.get(f"{root}/_harness/journal").json()["exchanges"][-1]["status"] == 200  # no favicon 404
        page.screenshot(path=str(_shots(tmp_path) / "live-view.png"), full_page=False)
        assert not [value for value in CREDENTIALS.values() if value in page.content()]
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)

"""The pytest plugin beside pytest-recording (a dev dependency, as its users have it): both load, each keeps
its options, and autotask_vcr follows --autotask-record-mode, else pytest-recording's --record-mode, and a
``vcr_config`` fixture. A typo in the ``autotask`` marker is refused by name."""

from __future__ import annotations

import importlib.util

import pytest

TESTS = """
import pytest


def test_the_fake_works(autotask_fake):
    assert autotask_fake.records("Tickets") == []


def test_record_mode(autotask_vcr, request):
    assert autotask_vcr.record_mode == request.config.getoption("expected")
    assert autotask_vcr.match_on == ("method", "path")
"""
CONFTEST = """
import pytest


def pytest_addoption(parser):
    parser.addoption("--expected", default="none")


@pytest.fixture
def vcr_config():
    return {"match_on": ("method", "path")}
"""


def _run(pytester: pytest.Pytester, *options: str) -> pytest.RunResult:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_neighbours=TESTS)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", *options)


def test_pytest_recording_is_installed_beside_the_plugin() -> None:
    """Without it the tests below would prove nothing: it is in the dev extra so CI has it."""
    assert importlib.util.find_spec("pytest_recording") is not None


def test_both_plugins_load_and_the_record_mode_is_pytest_recordings_by_default(pytester: pytest.Pytester) -> None:
    """This run failed at start: ``option dest 'record_mode' already used``."""
    _run(pytester, "--record-mode", "once", "--expected", "once").assert_outcomes(passed=2)


def test_the_autotask_record_mode_wins(pytester: pytest.Pytester) -> None:
    result = _run(pytester, "--record-mode", "once", "--autotask-record-mode", "all", "--expected", "all")
    result.assert_outcomes(passed=2)


def test_with_neither_option_nothing_is_recorded(pytester: pytest.Pytester) -> None:
    _run(pytester, "--expected", "none").assert_outcomes(passed=2)


def test_a_typo_in_the_marker_is_refused_by_name(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.autotask(profle="documented")
        def test_typo(autotask_fake):
            pass


        @pytest.mark.autotask(profile="documented", seed="sample")
        def test_right(autotask_fake):
            assert autotask_fake.profile.name == "documented" and autotask_fake.records("Tickets")
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.autotask does not take profle; its keywords are profile, limits, seed, state_api*"]
    )


def test_a_wrong_profile_or_seed_in_the_marker_is_one_line_not_the_plugins_traceback(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        """
        import pytest


        @pytest.mark.autotask(profile="documentd")
        def test_profile(autotask_fake):
            pass


        @pytest.mark.autotask(seed="sampel")
        def test_seed(autotask_server):
            pass
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.autotask(profile='documentd'): no tenant profile named 'documentd'*",
            "*@pytest.mark.autotask(seed='sampel'): sampel does not exist*",
        ]
    )
    text = result.stdout.str()
    assert "pytest_plugin.py" not in text and "profile.py" not in text and "Traceback" not in text, text


def test_a_wrong_autotask_profile_option_is_refused_once_at_the_start(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_nothing():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--autotask-profile", "documentd")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--autotask-profile documentd: no tenant profile named 'documentd'*"])
    assert "passed" not in result.stdout.str()

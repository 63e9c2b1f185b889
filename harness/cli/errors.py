"""The command line's one error convention.

A usage or input mistake (an unknown option, a bad value, a missing file, a port in use) prints one or two
lines on stderr, what was wrong and what to do, and exits 2. Findings keep their commands' own exit codes
(1: rules broken, drift). Anything else is a fault of the harness: one line and exit 3 (pytest's code for
an internal error), with the traceback only under the global ``--debug``.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

try:  # typer 0.22+ runs on its own copy of click: its errors are those classes, not click's
    from typer._click.exceptions import BadParameter, ClickException, UsageError
except ImportError:  # pragma: no cover - older typer, on click itself
    from click.exceptions import BadParameter, ClickException, UsageError  # type: ignore[assignment]

if TYPE_CHECKING:
    from fake_server import TenantProfile

PROG = "autotask-harness"
EXIT_USAGE = 2
EXIT_FAULT = 3


class InputError(ClickException):
    """Something given to a command cannot be used (a port in use, a seed that does not load): exit 2 with
    the message alone, no pointer to --help (the options were spelt right)."""

    exit_code = EXIT_USAGE


def one_line(text: str) -> str:
    """Rich and click messages may wrap or carry tracebacks' newlines; the convention is one line each."""
    return " ".join(text.split())


def debug_requested(args: Sequence[str]) -> bool:
    """``--debug`` among the options before the command's name (it is a global option)."""
    for arg in args:
        if arg == "--debug":
            return True
        if not arg.startswith("-"):
            return False
    return False


def run_command(app: typer.Typer, args: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code, every error in the convention above."""
    argv = list(sys.argv[1:] if args is None else args)
    debug = debug_requested(argv)
    try:
        result = typer.main.get_command(app).main(args=argv, prog_name=PROG, standalone_mode=False)
    except UsageError as error:
        if debug:
            raise
        where = error.ctx.command_path if error.ctx is not None else _command_path(app, argv)
        hint = f"Try '{where} --help'."
        typer.echo(f"error: {one_line(error.format_message())}\n{hint}", err=True)
        return EXIT_USAGE
    except ClickException as error:
        if debug:
            raise
        typer.echo(f"error: {one_line(error.format_message())}", err=True)
        return error.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        return 130
    except Exception as error:  # a fault of the harness itself, not of what the user gave it
        if debug:
            raise
        message = one_line(f"{type(error).__name__}: {error}")[:300]
        typer.echo(f"error: {message}; run '{PROG} --debug ...' for the traceback", err=True)
        return EXIT_FAULT
    return result if isinstance(result, int) else 0


def _command_path(app: typer.Typer, argv: list[str]) -> str:
    """``autotask-harness COMMAND`` for an error a command raised itself (it carries no click context)."""
    names = {info.name or (info.callback.__name__ if info.callback else "") for info in app.registered_commands}
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    return f"{PROG} {command}" if command in names else PROG


def loaded_factory(spec: str, option: str) -> Any:
    """The factory ``module:function`` names, imported from the current directory first; or a usage error.
    Whatever the user's module raises while it loads (a SyntaxError, its own checks) is theirs, not ours."""
    from harness.contract.adapter import load_factory

    try:
        return load_factory(spec)
    except Exception as failed:
        raise BadParameter(
            f"cannot load {spec!r} as module:factory ({type(failed).__name__}: {failed}); run from the folder "
            "that holds the module",
            param_hint=f"'{option}'",
        ) from None


def load_profile(value: str | Path, option: str = "--profile") -> TenantProfile:
    """A tenant profile by name or TOML path, or a usage error naming the bundled ones."""
    from fake_server import TenantProfile

    try:
        return TenantProfile.load(value)
    except (OSError, ValueError, KeyError, TypeError) as failed:
        raise BadParameter(one_line(str(failed)), param_hint=f"'{option}'") from None


def checked_seed(seed: str | None, profile: TenantProfile) -> dict[str, list[dict[str, Any]]] | None:
    """The snapshot ``--seed`` names, checked whole on a scratch tenant; or a usage error saying what is wrong
    (the file, the entity, the record and the field)."""
    if seed is None:
        return None
    from harness.serving.seeding import SeedRefused, read_seed

    try:
        return read_seed(seed, profile)
    except SeedRefused as refused:
        raise BadParameter(one_line(str(refused))[:400], param_hint="'--seed'") from None


def bound_socket(host: str, port: int) -> socket.socket:
    """The listening socket for serve and record, or an input error saying what to do instead."""
    from harness.serving.server import free_socket

    try:
        return free_socket(host, port)
    except OSError as failed:
        reason = "is in use" if port and "in use" in str(failed) else f"cannot be opened ({failed.strerror})"
        raise InputError(
            f"port {port} on {host} {reason}: stop what holds it, choose another --port, or --port 0 for a free one"
        ) from None


def output_file(path: Path | None, option: str) -> None:
    """A file a command will write: refused now, not after the work, when it is a folder or its folder is
    missing."""
    if path is None:
        return
    if path.is_dir():
        raise BadParameter(f"{path} is a folder; give a file name", param_hint=f"'{option}'")
    if not path.parent.is_dir():
        raise BadParameter(f"folder {path.parent} does not exist; create it first", param_hint=f"'{option}'")


def output_folder(path: Path | None, option: str) -> None:
    """A folder a command writes into (made when missing): refused when a file stands in its place."""
    if path is not None and path.exists() and not path.is_dir():
        raise BadParameter(f"{path} is a file, not a folder", param_hint=f"'{option}'")


def http_url(value: str, option: str) -> None:
    """An http(s) URL with a host, as the targets and upstreams are given."""
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadParameter(
            f"{value!r} is not an http(s) URL; give one such as https://webservices.autotask.net",
            param_hint=f"'{option}'",
        )


def placeholders(template: str, names: Sequence[str], option: str) -> None:
    """A command template whose ``{placeholders}`` are all known (a typo would fail at every run)."""
    try:
        template.format(**dict.fromkeys(names, ""))
    except (KeyError, IndexError, ValueError) as failed:
        raise BadParameter(
            f"unknown placeholder {failed}; the placeholders are {', '.join('{' + n + '}' for n in names)}",
            param_hint=f"'{option}'",
        ) from None

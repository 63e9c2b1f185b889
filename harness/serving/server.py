"""Serving a fake over real HTTP on loopback with uvicorn, in a background thread or in the foreground."""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import uvicorn

from fake_server import FakeAutotask, Journal, Limits, TenantProfile
from fake_server.face import BASE, AsgiApp, Receive, Scope, Send, TenantsByCredentials

from .one_write import http_protocol
from .seeding import load_seed


def free_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A bound, listening socket; port 0 lets the kernel pick a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def uvicorn_config(app: Callable[[Scope, Receive, Send], Awaitable[None]], **options: Any) -> uvicorn.Config:
    # No access log: its request lines would carry zoneInformation's user= (the API user name).
    # No proxy-header rewriting: nothing stands in front of a loopback test server.
    # One socket write per answer (``one_write``), unless the caller picks a protocol.
    options.setdefault("http", http_protocol())
    return uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        proxy_headers=False,
        timeout_graceful_shutdown=2,
        **options,
    )


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM (``kill``, a CI runner, ``docker stop``) stops a foreground server exactly as Ctrl-C does.

    uvicorn catches both signals while it runs, shuts down gracefully (in-flight answers finish), restores
    the handlers it found and raises the signal again: with this handler the SIGTERM arrives as the same
    ``KeyboardInterrupt`` that Ctrl-C gives, rather than killing the process before it can close the
    journal and print its summary. Outside uvicorn's run (seeding) the handler stops it the same way.
    """
    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class ServedFake:
    """A fake served on ``127.0.0.1`` in a background thread; use it as a context manager.

    ``root_url`` is ``http://127.0.0.1:PORT``; ``base_url`` adds ``/ATServicesRest/V1.0``.
    """

    fake: FakeAutotask = field(default_factory=FakeAutotask)
    host: str = "127.0.0.1"
    port: int = 0
    state_api: bool = False
    # A tenant per API user (``serve --tenants by-credentials``); ``fake`` is then unused.
    tenants: TenantsByCredentials[FakeAutotask] | None = None
    _server: uvicorn.Server | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/{BASE[0]}/{BASE[1]}"

    @property
    def journal(self) -> Journal:
        return self.fake.journal

    def start(self) -> ServedFake:
        sock = free_socket(self.host, self.port)
        self.port = sock.getsockname()[1]
        app = AsgiApp(self.fake, state_api=self.state_api, tenants=self.tenants)
        server = uvicorn.Server(uvicorn_config(app))
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"autotask-fake:{self.port}"
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the fake Autotask server did not start on {self.root_url}")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> ServedFake:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def tenant_maker(
    profile: str | TenantProfile,
    *,
    limits: Limits | None = None,
    seed: str | None = None,
    journal_dir: Path | None = None,
    webhooks: Callable[[FakeAutotask], None] | None = None,
) -> Callable[[str], FakeAutotask]:
    """What ``serve --tenants by-credentials`` makes for each new API user: a fake from the served profile
    and seed, journalling to ``journal_dir/<key>.jsonl`` when given."""
    resolved = profile if isinstance(profile, TenantProfile) else TenantProfile.load(profile)

    def make(key: str) -> FakeAutotask:
        fake = FakeAutotask(resolved, limits=limits)
        if seed:
            load_seed(fake, seed)
            fake.journal.clear()
        if journal_dir is not None:
            journal_dir.mkdir(parents=True, exist_ok=True)
            fake.journal.stream_to(journal_dir / f"{key}.jsonl")
        if webhooks is not None:
            webhooks(fake)
        return fake

    return make


def deliver_callouts(allow_hosts: list[str], time_scale: float) -> Callable[[FakeAutotask], None]:
    """What ``serve`` does to each tenant it serves: deliver its webhook callouts on a thread of their own, on
    real time times ``time_scale`` (the documented 10 s timeout shrinks with it, to no less than 50 ms), to
    loopback and to ``allow_hosts`` only."""

    def start(fake: FakeAutotask) -> None:
        outbox = fake.webhooks
        outbox.allow_hosts(*allow_hosts)
        outbox.courier.timeout = max(0.05, outbox.courier.timeout / time_scale)
        outbox.start(time_scale)

    return start

"""What the corpus's record.py scripts share: serving the sample tenant under each profile, over plain HTTP
or loopback TLS, and writing the journal each profile gets.

A record.py runs as a script (``python tests/corpus/<client>/record.py``), so it puts this folder on
``sys.path`` and imports this module; the test suite never imports it. Each profile gets a fresh tenant:
``default`` (the Postman contract) writes ``journal.jsonl``, ``documented`` writes ``journal.documented.jsonl``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from fake_server import FakeAutotask
from fake_server.asgi import AsgiApp
from fake_server.sample import sample_snapshot, sample_tenant
from harness.serving.server import ServedFake, free_socket, uvicorn_config

# An open ticket (status 1, New) of the sample tenant that has a time entry and a note.
TICKET_NUMBER = "T20260106.0012.001"
PROFILES = (("default", "journal.jsonl"), ("documented", "journal.documented.jsonl"))


@contextmanager
def served_tls(fake: FakeAutotask, names: Sequence[str] = ()) -> Iterator[tuple[str, Path]]:
    """The fake on ``https://127.0.0.1:PORT`` with a fresh self-signed certificate (openssl on PATH), valid
    for 127.0.0.1, localhost and ``names`` (the production host names a hard-wired client connects to).

    Yields the root URL and the certificate file, which a client trusts as its CA (NODE_EXTRA_CA_CERTS,
    SSL_CERT_FILE). Used for clients that only take ``https://`` URLs, so the fake's page links start the
    way production's do.
    """
    with tempfile.TemporaryDirectory(prefix="corpus-tls-") as folder:
        cert, key = Path(folder) / "cert.pem", Path(folder) / "key.pem"
        alt_names = ",".join(["IP:127.0.0.1", "DNS:localhost", *(f"DNS:{name}" for name in names)])
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
             "-addext", f"subjectAltName={alt_names}", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        sock = free_socket()
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn_config(AsgiApp(fake), ssl_certfile=str(cert), ssl_keyfile=str(key)))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake did not start over TLS")
            time.sleep(0.005)
        try:
            yield f"https://127.0.0.1:{port}", cert
        finally:
            server.should_exit = True
            thread.join(timeout=10)


def run_driver(command: Sequence[str], name: str, **options: Any) -> None:
    """Run a client's driver to its end (five minutes at most); a failing driver ends the recording, named."""
    run = subprocess.run(list(command), timeout=300, check=False, **options)
    if run.returncode != 0:
        sys.exit(f"{name} exited with {run.returncode}")


def record_profiles(
    here: Path, drive: Callable[[str, Path | None], None], *, tls: bool = False, tls_names: Sequence[str] = ()
) -> None:
    """Serve a fresh sample tenant per profile, run ``drive(root_url, ca_file)``, write that profile's journal."""
    assert any(t["ticketNumber"] == TICKET_NUMBER for t in sample_snapshot()["Tickets"])
    for profile, name in PROFILES:
        fake = sample_tenant(profile)  # what `serve --seed sample --profile PROFILE` serves
        print(f"--- profile {profile}")
        if tls:
            with served_tls(fake, tls_names) as (root_url, cert):
                drive(root_url, cert)
        else:
            with ServedFake(fake) as served:
                drive(served.root_url, None)
        fake.journal.dump_jsonl(here / name)
        print(f"{len(fake.journal)} exchanges written to {here / name}")


def record_in_process(here: Path, drive: Callable[[], None]) -> None:
    """Run ``drive()`` against a default-profile sample tenant mounted in-process (``fake.mock()``): the
    client keeps its production URL, and the journal goes to ``journal.inprocess.jsonl``."""
    fake = sample_tenant("default")
    print("--- in-process, profile default")
    with fake.mock():
        drive()
    fake.journal.dump_jsonl(here / "journal.inprocess.jsonl")
    print(f"{len(fake.journal)} exchanges written to {here / 'journal.inprocess.jsonl'}")

"""A webhook receiver written from Autotask's docs alone (SecretKeyPayloadVerification.htm): it verifies
``X-Hook-Signature`` as ``sha1=`` + base64(HMAC-SHA1(secret key, the raw body bytes)), before parsing, and
keeps what it got. Served on a free loopback port by the tests; it shares no code with the fake."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    body: bytes
    signature: str | None
    verified: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


# The key the webhook tests register and their receivers verify with.
SECRET_KEY = "0123456789abcdef-webhook-secret-key"


@dataclass
class Receiver:
    secret_key: str
    url: str = ""
    status: int = 200  # what it answers; a test sets 500 to make deliveries fail
    delay: float = 0.0  # seconds it waits before answering
    received: list[Received] = field(default_factory=list)

    def callouts(self) -> list[Received]:
        return [r for r in self.received if r.path == "/hook"]

    def notices(self) -> list[Received]:
        return [r for r in self.received if r.path == "/deactivated"]


@contextmanager
def serving(secret_key: str) -> Iterator[Receiver]:
    """A receiver on 127.0.0.1 at a free port: callouts at ``/hook``, deactivation notices at ``/deactivated``."""
    receiver = Receiver(secret_key)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            sent = self.headers.get("X-Hook-Signature")
            digest = hmac.new(receiver.secret_key.encode("utf-8"), body, hashlib.sha1).digest()
            expected = "sha1=" + base64.b64encode(digest).decode("ascii")
            verified = sent is not None and hmac.compare_digest(expected, sent)
            receiver.received.append(Received(self.path, body, sent, verified))
            time.sleep(receiver.delay)
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()

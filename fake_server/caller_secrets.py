"""The caller's own credential values, hunted for wherever a client (or the fake, as the API user's Resource)
put them: a path, a body, an answer. ``redaction`` finds credentials by their names; these by their values."""

from __future__ import annotations

import re
from urllib.parse import quote

from .redaction import REDACTED

# Shorter credential values (a test's "u", "secret") are not hunted for in URLs and bodies: that would garble text.
MIN_CALLER_SECRET = 8
# What an answer's parts are joined with (``ApiResponse.parts``): a value holding none of these cannot
# straddle two parts, so finding it in none of them is finding it nowhere in the answer.
JOINTS = frozenset(b"{}[],:")


class CallerSecrets:
    """The caller's own credential values and their percent-encoded forms. Built once per set of
    credentials; one regex search each."""

    __slots__ = ("as_bytes", "as_text", "joint_free", "key")

    def __init__(self, key: tuple[str | bytes | None, ...]) -> None:
        self.key = key
        decoded = (value.decode("latin-1") if isinstance(value, bytes) else value for value in key)
        values = [value for value in decoded if value and len(value) >= MIN_CALLER_SECRET]
        texts = sorted({*values, *(quote(value, safe="") for value in values)}, key=len, reverse=True)
        self.as_text = re.compile("|".join(map(re.escape, texts))) if texts else None
        self.as_bytes = re.compile(b"|".join(re.escape(text.encode("utf-8")) for text in texts)) if texts else None
        self.joint_free = not any(JOINTS.intersection(text.encode("utf-8")) for text in texts)

    def in_text(self, text: str) -> str:
        assert self.as_text is not None
        return text if self.as_text.search(text) is None else self.as_text.sub(REDACTED, text)

    def in_bytes(self, data: bytes) -> bytes:
        assert self.as_bytes is not None
        return data if self.as_bytes.search(data) is None else self.as_bytes.sub(REDACTED.encode(), data)

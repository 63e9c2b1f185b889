"""Loading a seed into a fake tenant: ``sample`` or a JSON snapshot file (``serve --seed``, the plugin)."""

from __future__ import annotations

import json
from pathlib import Path

from fake_server import FakeAutotask
from fake_server.sample import sample_snapshot


def load_seed(fake: FakeAutotask, seed: str) -> dict[str, int]:
    """``sample`` loads the bundled sample tenant; anything else is a JSON snapshot file."""
    if seed == "sample":
        return fake.load_snapshot(sample_snapshot(completing_status=fake.profile.completion.first_value))
    return fake.load_snapshot(json.loads(Path(seed).read_text(encoding="utf-8")))

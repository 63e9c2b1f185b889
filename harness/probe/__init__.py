"""``autotask-harness probe``: learn how one tenant behaves and write it as a profile the fake loads."""

from .run import ProbeOptions, ProbeResult, load_learned, run_probe

__all__ = ["ProbeOptions", "ProbeResult", "load_learned", "run_probe"]

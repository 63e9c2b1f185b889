"""vcrpy cassettes of Autotask traffic (secrets scrubbed, provenance labelled), and replaying them against the
fake or a sandbox with ``verify``.
"""

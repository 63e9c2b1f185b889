"""vcrpy cassettes of Autotask traffic (secrets scrubbed, provenance labelled), replaying them with
``verify``, and the recording proxy behind ``record``.
"""

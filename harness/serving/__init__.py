"""Serving on loopback over real HTTP: the fake in a thread or the foreground, one server shared by a pytest
run, seeds, tenants kept in a state file across restarts, the line per exchange of ``serve -v``, and the
recording proxy that ``record`` puts in front of a sandbox.
"""

"""The fake over real HTTP: serving in a thread or the foreground, one server shared by a pytest run,
seeds, and tenants kept in a state file across restarts.
"""

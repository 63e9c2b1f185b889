"""The client-agnostic Autotask contract suite: ``pytest --pyargs contract_tests --autotask-client=mod:factory``."""

"""The contract-testing harness around the fake Autotask server."""

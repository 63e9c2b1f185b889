"""Repository-level pytest wiring: the project's own tests share the fixtures in tests/conftest.py."""

"""Reports for people and tools: terminal tables, JSON, JUnit XML and self-contained HTML pages for
``check``, ``contract``, ``verify``, ``probe`` and ``webhooks``, and the live view of ``serve --state-api``.
"""

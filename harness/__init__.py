"""The contract-testing harness around the fake Autotask server: its public face.

``from harness import check, load_traffic, AutotaskClient, ServedFake, ...``. The names are written once,
in ``__init__.pyi``, and load on first use (PEP 562, through lazy_loader), so importing ``harness`` costs
nothing: a rule check does not pull in uvicorn or vcrpy. Traffic is the fake's own model,
``fake_server.Exchange``.

What each subpackage is for: ``rules`` (the contract rules ``check`` runs), ``contract`` (the reference
client and the contract suite), ``cassettes`` (vcrpy cassettes, ``verify``, ``record``), ``serving`` (the
fake over real HTTP, seeds, state files), ``reports`` (tables, JSON, JUnit, HTML, the live view),
``webhooks`` (the receiver contract), ``probe`` (learning a live tenant), ``cli`` (the command line).
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)

"""Webhooks: the five ``*Webhooks`` entities with their rules (``metadata``, ``hooks``), the callouts a
change makes (``subscriptions``, ``events``), and their delivery (``outbox``, ``courier``). With no webhook
configured a write costs one set lookup and one dict lookup more (``Webhooks.observe``)."""

from .courier import Courier, Outcome, is_loopback
from .hooks import Webhooks
from .outbox import Attempt, Outbox

__all__ = ["Attempt", "Courier", "Outbox", "Outcome", "Webhooks", "is_loopback"]

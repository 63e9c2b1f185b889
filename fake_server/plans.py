"""A small cache of compiled queries: clients repeat the same query text, the fake compiles it once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from .query import Plan


class PlanCache:
    """Least-recently-used plans by (entity, raw query text, page size). Thread-safe."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self._plans: OrderedDict[Any, Plan] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> Plan | None:
        with self._lock:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
            return plan

    def put(self, key: Any, plan: Plan) -> None:
        with self._lock:
            self._plans[key] = plan
            if len(self._plans) > self.size:
                self._plans.popitem(last=False)

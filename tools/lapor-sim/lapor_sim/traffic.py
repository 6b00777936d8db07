"""Fault injection and request counting for API calls (never for `/_sim` test endpoints).

All random draws come from one `random.Random(seed)` under a lock, so a seeded run makes the
same decisions in the same order of requests.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

FAULT_STATUSES = (500, 503, 429)
"""Chosen evenly when a call is made to fail; 503 and 429 carry `Retry-After`."""
FAULT_KEYS = (*map(str, FAULT_STATUSES), "dropped_response", "redirected")
"""Every fault counter in `snapshot()`, present even at zero so tests can compare."""


class Traffic:
    def __init__(self, fail_rate: float, drop_response_rate: float, seed: int | None) -> None:
        self._fail_rate = fail_rate
        self._drop_response_rate = drop_response_rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self._requests: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()
        self._creates_stored = 0

    def admit(self, route: str) -> int | None:
        """Count a call to `route`; return the status of an injected failure, or None."""
        with self._lock:
            self._requests[route] += 1
            if not self._fail_rate or self._random.random() >= self._fail_rate:
                return None
            status = self._random.choice(FAULT_STATUSES)
            self._faults[str(status)] += 1
            return status

    def redirect(self, route: str) -> None:
        """Count a call to `route` that is answered with a redirect instead of being served."""
        with self._lock:
            self._requests[route] += 1
            self._faults["redirected"] += 1

    def create_stored(self) -> None:
        """Count a stored complaint, answered or not, to compare with what clients saw."""
        with self._lock:
            self._creates_stored += 1

    def drop_response(self) -> bool:
        """Whether to store a create but close the connection without answering."""
        with self._lock:
            if not self._drop_response_rate or self._random.random() >= self._drop_response_rate:
                return False
            self._faults["dropped_response"] += 1
            return True

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(sorted(self._requests.items())),
                "total_requests": sum(self._requests.values()),
                "faults": {key: self._faults[key] for key in FAULT_KEYS},
                "creates_stored": self._creates_stored,
            }

"""Slowing down password guessing: a few failures, then a pause, per name and address."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from typing import Callable


class SignInThrottle:
    """Counts failed sign-ins per (name, address) in a sliding window.

    Kept in memory: one server's view, emptied on restart, bounded by the
    window (old failures are dropped as they expire).
    """

    def __init__(self, max_failures: int = 5, window_seconds: float = 300,
                 clock: Callable[[], float] = time.monotonic):
        self.max_failures, self.window, self.clock = max_failures, window_seconds, clock
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def _recent(self, key: tuple[str, str]) -> deque[float]:
        stamps = self._failures[key]
        while stamps and self.clock() - stamps[0] > self.window:
            stamps.popleft()
        if not stamps:
            del self._failures[key]
            return deque()
        return stamps

    def blocked(self, name: str, address: str) -> bool:
        return len(self._recent((name.lower(), address))) >= self.max_failures

    def failed(self, name: str, address: str) -> None:
        self._failures[(name.lower(), address)].append(self.clock())

    def succeeded(self, name: str, address: str) -> None:
        self._failures.pop((name.lower(), address), None)

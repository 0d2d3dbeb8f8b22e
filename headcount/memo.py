"""A bounded cache shared by threads that computes each key once: the per-revision reads of
the site (headcount/site.py), asked for by every session's reruns and the data API's requests
at the same time."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """The least recently used ``max_entries`` values. Two threads asking for the same missing
    key wait for one computation; a computation that raises caches nothing.

    With ``weigh`` (e.g. a body's length in bytes), the values kept also weigh at most
    ``max_weight`` together: the least recently used go first, and a value heavier than that
    on its own is returned but not kept."""

    def __init__(
        self,
        max_entries: int,
        weigh: Callable[[T], int] | None = None,
        max_weight: int = 0,
    ) -> None:
        self.max_entries = max_entries
        self._weigh = weigh
        self.max_weight = max_weight
        self.weight = 0  # of the values kept, when they are weighed
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()  # guards the two dicts, never held while computing
        self._computing: dict[Hashable, threading.Lock] = {}

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._values

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            one_at_a_time = self._computing.setdefault(key, threading.Lock())
        with one_at_a_time:
            with self._lock:
                if key in self._values:  # computed while this thread waited
                    return self._values[key]
            try:
                value = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(key, None)
                raise
            with self._lock:
                self._computing.pop(key, None)
                self._keep(key, value)
            return value

    def _keep(self, key: Hashable, value: T) -> None:
        weight = self._weigh(value) if self._weigh else 0
        if self._weigh and weight > self.max_weight:
            return
        if key in self._values:  # computed twice at once (one too heavy to keep was not)
            self.weight -= self._weigh(self._values.pop(key)) if self._weigh else 0
        self._values[key] = value
        self.weight += weight
        while len(self._values) > self.max_entries or (
            self._weigh and self.weight > self.max_weight
        ):
            _, dropped = self._values.popitem(last=False)
            self.weight -= self._weigh(dropped) if self._weigh else 0

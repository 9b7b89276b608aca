"""A small thread-safe LRU cache, bounded by entry count and, given a weigher, by total bytes.

The prepared-final cache is bounded in bytes (WATERMARK_CACHE_BYTES): its entries range from a few MB
(a 1080 px display size) to ~50 MB (a full 12 MP final), so a count says nothing about memory.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRUCache(Generic[V]):
    def __init__(self, maxsize: int, *, max_bytes: int | None = None,
                 weigher: Callable[[V], int] | None = None) -> None:
        if maxsize < 0 or (max_bytes is not None and max_bytes < 0):
            raise ValueError("maxsize and max_bytes must be >= 0")
        if max_bytes is not None and weigher is None:
            raise ValueError("a byte bound needs a weigher")
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._weigher = weigher
        self._data: OrderedDict[Hashable, V] = OrderedDict()
        self._weights: dict[Hashable, int] = {}
        self.nbytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
            return None

    def put(self, key: Hashable, value: V) -> None:
        if self.maxsize == 0:
            return
        weight = self._weigher(value) if self._weigher else 0
        if self.max_bytes is not None and weight > self.max_bytes:
            return  # larger than the whole budget: serve it, never keep it
        with self._lock:
            self._remove(key)
            self._data[key] = value
            self._weights[key] = weight
            self.nbytes += weight
            while len(self._data) > self.maxsize or (self.max_bytes is not None and self.nbytes > self.max_bytes):
                self._remove(next(iter(self._data)))

    def _remove(self, key: Hashable) -> None:
        if key in self._data:
            del self._data[key]
            self.nbytes -= self._weights.pop(key)

    def get_or_create(self, key: Hashable, factory: Callable[[], V]) -> V:
        """Cached value, or factory() stored; the factory runs outside the lock (it may be slow)."""
        value = self.get(key)
        if value is None:
            value = factory()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._weights.clear()
            self.nbytes = 0
            self.hits = self.misses = 0

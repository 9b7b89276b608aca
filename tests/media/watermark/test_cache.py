import pytest

from fansub.media.watermark.cache import LRUCache


def test_evicts_least_recently_used():
    cache = LRUCache[int](2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # a is now most recent
    cache.put("c", 3)
    assert cache.get("b") is None
    assert cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_get_or_create_calls_factory_once():
    cache = LRUCache[str](4)
    calls = []

    def factory():
        calls.append(1)
        return "value"

    assert cache.get_or_create("k", factory) == "value"
    assert cache.get_or_create("k", factory) == "value"
    assert len(calls) == 1 and cache.hits == 1


def test_zero_size_caches_nothing():
    cache = LRUCache[int](0)
    cache.put("a", 1)
    assert cache.get("a") is None and len(cache) == 0


def test_negative_size_refused():
    with pytest.raises(ValueError):
        LRUCache(-1)

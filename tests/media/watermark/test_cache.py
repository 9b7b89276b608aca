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


def test_byte_bound_evicts_oldest_until_the_total_fits():
    cache = LRUCache[bytes](100, max_bytes=10, weigher=len)
    cache.put("a", b"1234")
    cache.put("b", b"1234")
    assert cache.get("a") == b"1234"  # a is now most recent
    cache.put("c", b"12345")
    assert cache.get("b") is None and cache.nbytes == 9 and len(cache) == 2
    cache.put("a", b"1")  # replacing an entry re-weighs it
    assert cache.nbytes == 6


def test_an_entry_larger_than_the_budget_is_not_kept():
    cache = LRUCache[bytes](100, max_bytes=3, weigher=len)
    cache.put("big", b"1234")
    assert cache.get("big") is None and cache.nbytes == 0


def test_byte_bound_needs_a_weigher():
    with pytest.raises(ValueError):
        LRUCache(4, max_bytes=10)

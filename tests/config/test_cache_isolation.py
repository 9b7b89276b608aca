"""On a shared Redis db, a test's cache reset touches only its own xdist worker's keys."""

import os
import uuid

import pytest
from django.core.cache import cache

from tests.conftest import _clear_cache


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (CI's PostgreSQL + Redis pass)")
def test_clearing_the_cache_leaves_other_workers_and_the_broker_alone(request):
    client = cache._cache.get_client(write=True)
    foreign = f"other-worker:{uuid.uuid4().hex}"
    client.set(foreign, b"1", ex=60)
    cache.set("mine", 1)
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    assert cache.make_key("mine").startswith(f"test-{worker}:")
    try:
        _clear_cache()
        assert cache.get("mine") is None
        assert client.get(foreign) == b"1"
    finally:
        client.delete(foreign)

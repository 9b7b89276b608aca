import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from telemetry.models import DeadLetterEvent


@pytest.fixture(autouse=True)
def _isolated_paths(settings, tmp_path, worker_id):
    """Each test writes its lake and private media into its own folder."""
    settings.TELEMETRY_LAKE_DIR = tmp_path / "lake"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    _isolate_shared_cache(settings, worker_id)
    _clear_cache()
    yield
    _clear_cache()


def _isolate_shared_cache(settings, worker_id):
    # On Redis every xdist worker shares one database: give each worker its own key prefix so that one
    # worker's clearing never wipes another's throttle counters mid-test.
    default = settings.CACHES["default"]
    if default["BACKEND"].endswith("RedisCache") and default.get("KEY_PREFIX") != f"test-{worker_id}":
        settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": f"test-{worker_id}"}}


def _clear_cache():
    if type(cache._cache).__name__ == "RedisCacheClient" and cache.key_prefix:
        client = cache._cache.get_client(write=True)
        for key in client.scan_iter(match=f"{cache.key_prefix}:*"):
            client.delete(key)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _no_dead_letters(request):
    """Any test that touched the database must not have produced an invalid event."""
    yield
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        if request.node.get_closest_marker("allow_dead_letters"):
            return
        dead = list(DeadLetterEvent.objects.values_list("event_type", "error"))
        assert not dead, f"invalid events were emitted: {dead}"


@pytest.fixture
def api_client():
    return APIClient()

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from telemetry.models import DeadLetterEvent


@pytest.fixture(autouse=True)
def _isolated_paths(settings, tmp_path):
    """Each test writes its lake and private media into its own folder."""
    settings.TELEMETRY_LAKE_DIR = tmp_path / "lake"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    _clear_cache()
    yield
    _clear_cache()


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


def pytest_runtest_setup(item):
    """Tests marked `postgres` need real row locks and concurrent connections: skip them on SQLite."""
    if item.get_closest_marker("postgres"):
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture(scope="session", autouse=True)
def _cache_prefix_per_worker(request):
    """xdist workers share one Redis db (cache and broker): give each worker its own key prefix."""
    from django.conf import settings
    from django.test import override_settings

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    caches = {**settings.CACHES, "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{worker}"}}
    with override_settings(CACHES=caches):  # the setting_changed signal rebuilds the cache handlers
        yield


def _clear_cache():
    # Redis's clear() is FLUSHDB: it would wipe the other workers' keys and the Celery broker's queues
    # mid-test. Delete only this worker's keys there; local memory is per process already.
    from django.conf import settings

    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        cache.clear()
        return
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=500))
    if keys:
        client.delete(*keys)

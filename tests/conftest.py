import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from telemetry.models import DeadLetterEvent


@pytest.fixture(autouse=True)
def _isolated_paths(settings, tmp_path):
    """Each test writes its lake and private media into its own folder."""
    settings.TELEMETRY_LAKE_DIR = tmp_path / "lake"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    cache.clear()
    yield
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


def pytest_runtest_setup(item):
    """Tests marked `postgres` need real row locks and concurrent connections: skip them on SQLite."""
    if item.get_closest_marker("postgres"):
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")

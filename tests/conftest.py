import pytest
from django.core.cache import caches

from config.celery import app as celery_app
from telemetry.models import DeadLetterEvent
from tests.contract.openapi import SchemaCheckedClient


def _clear_cache():
    """Forget this worker's cached keys and rendered pages (a rolled-back test leaves page stamps that the
    next test's rows would meet again). On Redis, clear() is FLUSHDB, which would wipe the other xdist
    workers' keys (settings give each worker its own KEY_PREFIX) and the broker's queues mid-test."""
    from django.conf import settings as django_settings

    for alias in ("default", "pages"):
        config, store = django_settings.CACHES[alias], caches[alias]
        if config["BACKEND"].endswith("RedisCache"):
            client = store._cache.get_client(write=True)
            keys = list(client.scan_iter(match=f"{config['KEY_PREFIX']}:*", count=1000))
            if keys:
                client.delete(*keys)
        else:
            store.clear()


@pytest.fixture
def forget_cached_pages():
    """Call it to have the next fan page rendered afresh (what a cache miss costs)."""
    return _clear_cache


@pytest.fixture(autouse=True)
def _isolated_paths(settings, tmp_path):
    """Each test writes its lake and private media into its own folder."""
    settings.TELEMETRY_LAKE_DIR = tmp_path / "lake"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    _clear_cache()
    yield
    _clear_cache()


@pytest.fixture(autouse=True)
def _project_celery_app():
    """Every test starts with the project's Celery app as the default and current one (tasks run eagerly in
    tests). A test that starts a real worker makes the worker's app current, and a later test's `.delay()`,
    in this thread or a live server's, would then go to a broker nobody reads."""
    celery_app.set_default()
    celery_app.set_current()
    yield


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
    """Every /api/v1 response it receives is checked against the OpenAPI schema (tests/contract/openapi.py)."""
    return SchemaCheckedClient()


def pytest_runtest_setup(item):
    """Tests marked `postgres` need real row locks and concurrent connections: skip them on SQLite."""
    if item.get_closest_marker("postgres"):
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture(autouse=True)
def _staff_groups(request):
    """Tests in real transactions flush every table, the migrations' staff groups included: put them back.
    (pytest-django's own autouse fixture has opened database access by the time this runs.)"""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if uses_db:
        from django.contrib.auth.models import Group

        from fansub.accounts.staff_groups import ensure_staff_groups

        if not Group.objects.exists():
            ensure_staff_groups()


# Figures a test reports (record_property("report:<name>", value)) travel with its report, so they reach the
# controller under xdist too, where a worker's prints never show; they are listed in the terminal summary.
REPORT_PREFIX = "report:"
_reported_figures: list[tuple[str, str, object]] = []


def pytest_runtest_logreport(report):
    if report.when == "call":
        for name, value in report.user_properties:
            if str(name).startswith(REPORT_PREFIX):
                _reported_figures.append((report.nodeid, str(name)[len(REPORT_PREFIX):], value))


def pytest_terminal_summary(terminalreporter):
    if _reported_figures:
        terminalreporter.section("reported figures")
        for nodeid, name, value in _reported_figures:
            terminalreporter.write_line(f"{nodeid}: {name}: {value}")

import pytest

from telemetry.pseudonyms import forget_cached_salts


@pytest.fixture(autouse=True)
def _fresh_salt_cache():
    """Each test's database is rolled back: salts cached by an earlier test no longer exist there."""
    forget_cached_salts()
    yield
    forget_cached_salts()

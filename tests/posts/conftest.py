import pytest

from telemetry.request_buffer import BUFFER


@pytest.fixture
def buffered_request_events(settings):
    """Request events reach the outbox in bulk as in production (one INSERT per 200 requests), not per request
    as the test settings do; what a test leaves in the buffer is dropped."""
    settings.TELEMETRY_REQUEST_BUFFER_SIZE = 200
    settings.TELEMETRY_REQUEST_BUFFER_SECONDS = 3600
    yield
    BUFFER.drain()

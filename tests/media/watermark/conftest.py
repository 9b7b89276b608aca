import pytest

from tests.media.watermark.synthetic import natural_image

KEY = "test-forensic-key"


@pytest.fixture(scope="session")
def small_final():
    return natural_image(7, longest=1024)

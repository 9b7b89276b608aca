import io

import pytest

from fansub.media.services import processing, uploads
from tests.media import corpus


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Each test gets its own private media folder."""
    root = tmp_path / "private-media"
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "base_url": "/media/private/"}}}
    yield root


@pytest.fixture
def upload_image(django_capture_on_commit_callbacks):
    """A ready image in the creator's vault, uploaded and processed through the real services."""
    def _upload(user, seed: int = 1):
        data = corpus.jpeg_with_gps(seed=seed)
        with django_capture_on_commit_callbacks(execute=True):
            result = uploads.upload_media(user, io.BytesIO(data), size=len(data), name=f"p{seed}.jpg",
                                          content_type="image/jpeg")
        result.item.refresh_from_db()
        if result.item.state == "uploaded":
            processing.process_media_item(result.item.pk)
            result.item.refresh_from_db()
        assert result.item.state == "ready"
        return result.item
    return _upload

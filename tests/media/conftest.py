import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fansub.media import storage
from fansub.media.services import access, processing, uploads
from tests.factories import make_creator, make_fan


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Each test gets its own private storage folder (STORAGES is read once at start-up otherwise)."""
    root = tmp_path / "private-media"
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "base_url": "/media/private/"}}}
    yield root


@pytest.fixture
def stored_files():
    def _list() -> list[str]:
        return sorted([*storage.walk(storage.MEDIA_PREFIX), *storage.walk(storage.INCOMING_PREFIX)])
    return _list


@pytest.fixture
def creator(db):
    return make_creator()


@pytest.fixture
def fan(db):
    return make_fan()


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Upload through the real service and run what it schedules on commit (processing, eagerly)."""
    def _upload(user, data: bytes, name: str = "", content_type: str = "", **kwargs):
        handle = SimpleUploadedFile(name or "upload.bin", data, content_type=content_type)
        with django_capture_on_commit_callbacks(execute=True):
            result = uploads.upload_media(user, io.BytesIO(data), size=len(data), name=name,
                                          content_type=content_type, **kwargs)
        del handle
        result.item.refresh_from_db()
        if result.item.state == "uploaded":
            # The on-commit task did not run in place (another test in this worker left Celery's current app
            # non-eager, or the task swallowed an error to retry later): process here, so a real processing
            # error surfaces in this test instead of a bare "still uploaded".
            processing.process_media_item(result.item.pk)
            result.item.refresh_from_db()
        return result.item
    return _upload


@pytest.fixture
def entitle():
    """Register an entitlement checker granting finals to the given viewers (as PPV will do)."""
    granted: set[int] = set()

    def checker(viewer, item):
        return viewer.pk in granted

    access.register_final_checker(checker)
    yield granted.add
    access.unregister_final_checker(checker)

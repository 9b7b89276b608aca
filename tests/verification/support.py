"""Shared pieces for the verification tests: isolated private storage, images, signed callbacks, staff."""

import io
import json
import time

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from PIL import Image

from fansub.verification.services import webhook_signing
from tests.factories import PASSWORD, make_staff, verified


@pytest.fixture
def private_storage(settings, tmp_path):
    """Point the "private" storage at this test's folder (the storage handler resets on STORAGES change)."""
    root = tmp_path / "private"
    backend = {"BACKEND": "django.core.files.storage.FileSystemStorage",
               "OPTIONS": {"location": str(root), "base_url": "/media/private/"}}
    settings.STORAGES = {**settings.STORAGES, "default": backend, "private": backend}
    return root


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (200, 150), color: tuple = (200, 30, 90)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def signed(reference: str, result: str = "passed", method: str = "facial_age_estimation", *,
           secret: str = "dev-only-age-webhook-secret", timestamp: int | None = None) -> tuple[bytes, str]:
    body = json.dumps({"reference": reference, "result": result, "method": method}).encode()
    return body, webhook_signing.sign(secret, body, timestamp if timestamp is not None else int(time.time()))


def staff_in(group_name: str | None, *, superuser: bool = False, second_factor: bool = True):
    """A staff member of ``group_name`` as a request sees them: by default after the second factor (the only
    state with staff powers); ``second_factor=False`` for a password-only session."""
    user = make_staff(superuser=superuser)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return verified(user) if second_factor else user


def admin_login(client, user, token: str = "tok12345") -> None:
    """Log into the admin through the real one-round form (email, password and a static backup token)."""
    device = StaticDevice.objects.create(user=user, name="backup")
    device.token_set.create(token=token)
    response = client.post("/admin/login/", {"username": user.email, "password": PASSWORD, "otp_token": token,
                                             "next": "/admin/"})
    assert response.status_code == 302, response.content.decode()[:2000]

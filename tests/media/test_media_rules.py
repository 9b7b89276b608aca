"""Issue 10 "Media": metadata removed wherever it sits, trailing data refused on GIF and JPEG, item details
only for those who may know the item, opaque signed URLs, a deleted post's watermarked copies removed, and the
orphan sweep on beat."""

import io
import struct

import pytest
from django.core.signing import b64_decode
from django.urls import reverse
from PIL import Image

from common.errors import MediaCorrupt, MediaTypeUnsupported
from fansub.media import storage
from fansub.media.models import Delivery, MediaItem
from fansub.media.services import signing
from fansub.media.tasks import sweep_orphans
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from tests.factories import make_fan, make_staff, make_subscription, make_tier, verified
from tests.media import corpus

pytestmark = pytest.mark.django_db

SECRET = b"GPS 48.8584N 2.2945E serial SN-XJ-0042-SECRET"


def _app1(body: bytes) -> bytes:
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def progressive_jpeg_with_exif_between_scans() -> bytes:
    buffer = io.BytesIO()
    corpus.picture(320, 240).save(buffer, "JPEG", quality=85, progressive=True)
    data = buffer.getvalue()
    first_scan = data.index(b"\xff\xda")
    second_scan = data.index(b"\xff\xda", first_scan + 2)
    return data[:second_scan] + _app1(b"Exif\x00\x00" + SECRET) + data[second_scan:]


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    corpus.picture(64, 48).convert("P").save(buffer, "GIF")
    return buffer.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x90" * 64


def test_progressive_jpeg_metadata_between_scans_is_removed(creator, upload):
    data = progressive_jpeg_with_exif_between_scans()
    assert SECRET in data and Image.open(io.BytesIO(data)).load() is not None
    item = upload(creator, data, name="p.jpg", content_type="image/jpeg")
    assert item.state == "ready"
    for rendition in item.renditions.all():
        stored = storage.read_bytes(rendition.storage_key)
        assert SECRET not in stored and b"SN-XJ" not in stored, rendition.kind
        Image.open(io.BytesIO(stored)).load()  # still a valid image


@pytest.mark.parametrize("case", ["gif_elf", "jpeg_ffd8ff_trailer", "jpeg_elf"])
def test_trailing_data_on_gif_and_jpeg_is_refused(creator, upload, stored_files, case):
    jpeg = corpus.jpeg_with_gps(orientation=1)
    data, name = {
        "gif_elf": (gif_bytes() + ELF, "a.gif"),
        "jpeg_ffd8ff_trailer": (jpeg + b"\xff\xd8\xff" + ELF, "b.jpg"),
        "jpeg_elf": (jpeg + ELF, "c.jpg"),
    }[case]
    with pytest.raises((MediaTypeUnsupported, MediaCorrupt)):
        upload(creator, data, name=name)
    assert stored_files() == [] and not MediaItem.objects.exists()
    assert upload(creator, gif_bytes(), name="ok.gif").state == "ready"  # a clean GIF is fine


def test_media_details_only_for_owner_staff_and_viewers(api_client, creator, upload):
    item = upload(creator, corpus.jpeg_with_gps(), name="x.jpg", content_type="image/jpeg")
    url = f"/api/v1/media/{item.public_id}/"
    preview = reverse("media-preview", kwargs={"public_id": item.public_id, "kind": "preview"})
    assert api_client.get(url).status_code == 404  # in the vault, attached to nothing
    assert api_client.get(preview).status_code == 404
    api_client.force_authenticate(make_fan())
    assert api_client.get(url).status_code == 404
    api_client.force_authenticate(make_staff())  # a password-only staff session has no staff powers
    assert api_client.get(url).status_code == 404
    api_client.force_authenticate(verified(make_staff()))
    assert api_client.get(url).status_code == 200
    api_client.force_authenticate(creator)
    assert api_client.get(url).status_code == 200
    tier = make_tier(creator)
    posts.create_post(creator, PostInput(text="locked", audience=AudienceSpec(tier_ids=(tier.pk,)),
                                         media_ids=(str(item.public_id),)))
    api_client.force_authenticate(None)
    assert api_client.get(url).status_code == 200  # shown (locked) on a post: the item may be known
    assert api_client.get(preview).status_code == 200


def test_signed_url_payload_is_opaque(creator, upload):
    item = upload(creator, corpus.jpeg_with_gps(), name="x.jpg", content_type="image/jpeg")
    token = signing.sign(creator.pk, item.pk, "final")
    payload = b64_decode(token.split(":")[0].encode())
    assert b'"m"' not in payload and b'"v"' not in payload and b"final" not in payload
    assert str(item.pk).encode() + b"," not in payload
    assert signing.verify(token, creator).media_item_id == item.pk


def test_deleting_a_post_removes_its_delivered_copies(client, creator, upload, django_capture_on_commit_callbacks):
    item = upload(creator, corpus.jpeg_with_gps(), name="x.jpg", content_type="image/jpeg")
    tier = make_tier(creator)
    post = posts.create_post(creator, PostInput(text="photo", audience=AudienceSpec(tier_ids=(tier.pk,)),
                                                media_ids=(str(item.public_id),)))
    fan = make_fan()
    make_subscription(fan, tier)
    client.force_login(fan)
    assert client.get(reverse("media-signed", kwargs={"token": signing.sign(fan.pk, item.pk, "final")})
                      ).status_code == 200
    delivery = Delivery.objects.get(viewer=fan)
    copy = delivery.cached_key
    assert copy and storage.private_storage().exists(copy)
    with django_capture_on_commit_callbacks(execute=True):
        posts.delete_post(creator, post.pk)
    delivery.refresh_from_db()
    assert delivery.cached_key == "" and not storage.private_storage().exists(copy)


def test_orphan_sweep_is_scheduled(creator, upload, settings):
    entry = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "media.sweep_orphans"]
    assert entry and entry[0]["schedule"] > 0
    upload(creator, corpus.jpeg_with_gps(), name="x.jpg", content_type="image/jpeg")
    stray = storage.MEDIA_PREFIX.rstrip("/") + "/stray/orphan.bin"
    storage.private_storage().save(stray, io.BytesIO(b"left behind"))
    settings.MEDIA_ORPHAN_GRACE_SECONDS = 0
    assert sweep_orphans() >= 1
    assert not storage.private_storage().exists(stray)

"""The S3 path (upload, direct presigned POST, processing, presigned GET, delete) against a local
moto server on 127.0.0.1 started here. Nothing reaches the internet."""

import socket

import boto3
import pytest
import urllib3
from django.urls import reverse

from fansub.media import storage
from fansub.media.models import MediaItem, MediaState
from fansub.media.services import delivery, signing, uploads
from fansub.media.services.deletion import delete_media_item, find_orphans
from tests.factories import make_fan
from tests.media import corpus

BUCKET = "fansub-private-test"


@pytest.fixture(scope="module")
def moto_endpoint():
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(settings, moto_endpoint):
    client = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1",
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": BUCKET, "endpoint_url": moto_endpoint, "access_key": "testing",
                    "secret_key": "testing", "region_name": "us-east-1", "default_acl": "private",
                    "querystring_auth": True, "file_overwrite": False}}}
    assert storage.is_s3()
    yield client
    for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client):
    return sorted(obj["Key"] for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.mark.django_db
def test_upload_process_presigned_get_and_delete_on_s3(s3, creator, upload, client, entitle,
                                                       django_capture_on_commit_callbacks):
    item = upload(creator, corpus.jpeg_with_gps(orientation=6), name="a.jpg")
    assert item.state == MediaState.READY
    keys = _keys(s3)
    assert sorted(item.renditions.values_list("storage_key", flat=True)) == keys  # raw upload gone
    acl = s3.get_object_acl(Bucket=BUCKET, Key=keys[0])
    assert not [g for g in acl["Grants"] if "AllUsers" in str(g.get("Grantee", {}))]

    fan = make_fan()
    entitle(fan.pk)
    client.force_login(fan)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("media-signed", kwargs={"token": signing.sign(fan.pk, item.pk, "final")}))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:") and "response-content-disposition" in location
    fetched = urllib3.request("GET", location)
    assert fetched.status == 200 and fetched.headers["Content-Disposition"].startswith("inline")
    cached = item.deliveries.get().cached_key
    assert fetched.data == s3.get_object(Bucket=BUCKET, Key=cached)["Body"].read()
    # Without the signature the object is not readable: the bucket is private.
    assert urllib3.request("GET", location.split("?")[0]).status == 403

    with django_capture_on_commit_callbacks(execute=True):
        delete_media_item(creator, item)
    assert _keys(s3) == [] and find_orphans(grace_seconds=0) == []


@pytest.mark.django_db
def test_direct_upload_with_presigned_post(s3, creator, django_capture_on_commit_callbacks):
    direct = uploads.start_direct_upload(creator, name="b.png", content_type="image/png")
    data = corpus.png_bytes()
    posted = urllib3.request("POST", direct.url, fields={**direct.fields, "file": ("b.png", data, "image/png")})
    assert posted.status in (200, 204), posted.data
    with django_capture_on_commit_callbacks(execute=True):
        result = uploads.complete_direct_upload(creator, direct.ticket.public_id)
    result.item.refresh_from_db()
    assert result.item.state == MediaState.READY and result.item.original_name == "b.png"
    assert not [k for k in _keys(s3) if k.startswith("incoming/")]
    from common.errors import UploadTicketInvalid

    with pytest.raises(UploadTicketInvalid):  # replay of the completion
        uploads.complete_direct_upload(creator, direct.ticket.public_id)


@pytest.mark.django_db
def test_direct_upload_refused_content_leaves_nothing(s3, creator):
    direct = uploads.start_direct_upload(creator, name="c.jpg", content_type="image/jpeg")
    data = corpus.truncated_jpeg()
    urllib3.request("POST", direct.url, fields={**direct.fields, "file": ("c.jpg", data, "image/jpeg")})
    from common.errors import MediaCorrupt

    with pytest.raises(MediaCorrupt):
        uploads.complete_direct_upload(creator, direct.ticket.public_id)
    assert _keys(s3) == [] and not MediaItem.objects.exists()


@pytest.mark.django_db
def test_presigned_post_enforces_the_size_limit(s3, creator, settings):
    settings.MEDIA_MAX_IMAGE_BYTES = 1000
    direct = uploads.start_direct_upload(creator, name="big.jpg", content_type="image/jpeg")
    import base64
    import json

    policy = json.loads(base64.b64decode(direct.fields["policy"]))
    assert ["content-length-range", 1, 1000] in policy["conditions"]  # S3 itself refuses bigger bodies
    # moto does not enforce the policy; the completion check is the second line of defence.
    urllib3.request("POST", direct.url, fields={**direct.fields,
                                                "file": ("big.jpg", corpus.jpeg_with_gps(), "image/jpeg")})
    from common.errors import MediaTooLarge

    with pytest.raises(MediaTooLarge):
        uploads.complete_direct_upload(creator, direct.ticket.public_id)
    assert _keys(s3) == []


@pytest.mark.django_db
def test_other_creator_cannot_complete_my_ticket(s3, creator):
    from common.errors import UploadTicketInvalid
    from tests.factories import make_creator

    direct = uploads.start_direct_upload(creator, name="b.png")
    with pytest.raises(UploadTicketInvalid):
        uploads.complete_direct_upload(make_creator(), direct.ticket.public_id)


@pytest.mark.django_db
def test_direct_upload_needs_s3(creator):
    from common.errors import DomainError

    with pytest.raises(DomainError) as caught:
        uploads.start_direct_upload(creator, name="b.png")
    assert caught.value.code == "DIRECT_UPLOAD_UNAVAILABLE"


@pytest.mark.django_db
def test_video_on_s3(s3, creator, upload, tmp_path):
    item = upload(creator, corpus.mp4_bytes(tmp_path, seconds=1.0), name="v.mp4")
    assert item.state == MediaState.READY
    assert delivery.deliver(creator, item, "final").content_type == "video/mp4"

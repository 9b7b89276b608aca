"""The vault, upload and status through the API and the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fansub.media.models import MediaItem, MediaState
from fansub.media.services.uses import record_use
from tests.media import corpus


@pytest.mark.django_db
def test_api_upload_returns_the_item_and_refusals_use_the_shared_body(api_client, creator, stored_files,
                                                                      django_capture_on_commit_callbacks):
    api_client.force_authenticate(creator)
    good = SimpleUploadedFile("a.jpg", corpus.jpeg_with_gps(orientation=1), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/media/", {"file": good}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "uploaded" and body["kind"] == "image" and body["original_name"] == "a.jpg"
    detail = api_client.get(f"/api/v1/media/{body['public_id']}/").json()
    assert detail["state"] == "ready" and detail["urls"]["final"].startswith("/media/s/")
    bad = SimpleUploadedFile("b.jpg", corpus.png_bytes(), content_type="image/jpeg")
    refused = api_client.post("/api/v1/media/", {"file": bad}, format="multipart")
    assert refused.status_code == 415
    assert refused.json()["error"]["code"] == "MEDIA_TYPE_UNSUPPORTED"
    assert MediaItem.objects.count() == 1


@pytest.mark.django_db
def test_fans_cannot_upload_or_list_a_vault(api_client, fan):
    api_client.force_authenticate(fan)
    upload = SimpleUploadedFile("a.jpg", corpus.jpeg_with_gps(), content_type="image/jpeg")
    response = api_client.post("/api/v1/media/", {"file": upload}, format="multipart")
    assert response.status_code == 403 and response.json()["error"]["code"] == "CREATOR_REQUIRED"
    assert api_client.get("/api/v1/media/").status_code == 403


@pytest.mark.django_db
def test_vault_filters_by_type_and_use_with_constant_queries(api_client, creator, upload, tmp_path,
                                                              django_assert_max_num_queries):
    images = [upload(creator, corpus.jpeg_with_gps(orientation=1, seed=i), name=f"{i}.jpg") for i in range(3)]
    video = upload(creator, corpus.mp4_bytes(tmp_path, seconds=1.0), name="v.mp4")
    record_use(images[0], "post", "42")
    api_client.force_authenticate(creator)

    def ids(query):
        return {row["public_id"] for row in api_client.get(f"/api/v1/media/{query}").json()["results"]}

    assert ids("?kind=video") == {str(video.public_id)}
    assert ids("?use=post") == {str(images[0].public_id)}
    assert len(ids("?use=unused")) == 3
    assert len(ids("?state=ready")) == 4
    with django_assert_max_num_queries(8):
        api_client.get("/api/v1/media/")
    for i in range(3, 6):
        upload(creator, corpus.jpeg_with_gps(orientation=1, seed=i), name=f"{i}.jpg")
    with django_assert_max_num_queries(8):
        assert len(api_client.get("/api/v1/media/").json()["results"]) == 7


@pytest.mark.django_db
def test_attachable_media_is_the_creators_own_ready_items(creator, upload):
    from fansub.media.selectors import attachable_media
    from tests.factories import make_creator

    mine = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg")
    theirs = upload(make_creator(), corpus.jpeg_with_gps(orientation=1, seed=3), name="b.jpg")
    assert attachable_media(creator, [theirs.public_id, mine.public_id]) == [mine]


@pytest.mark.django_db
def test_upload_page_takes_several_files_without_javascript(client, creator, django_capture_on_commit_callbacks):
    client.force_login(creator)
    page = client.get("/media/upload/")
    assert page.status_code == 200 and b"upload.js" in page.content and b"multiple" in page.content
    files = [SimpleUploadedFile("a.jpg", corpus.jpeg_with_gps(orientation=1), content_type="image/jpeg"),
             SimpleUploadedFile("b.png", corpus.png_bytes(), content_type="image/png"),
             SimpleUploadedFile("c.jpg", corpus.truncated_jpeg(), content_type="image/jpeg")]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/media/upload/", {"file": files}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "MEDIA_CORRUPT" in text and "a.jpg was uploaded" in text
    assert MediaItem.objects.filter(state=MediaState.READY).count() == 2
    library = client.get("/media/?kind=image")
    assert library.status_code == 200 and library.content.count(b'class="media-card"') == 2
    item = MediaItem.objects.first()
    assert client.get(f"/media/{item.public_id}/").status_code == 200


@pytest.mark.django_db
def test_media_pages_are_for_creators(client, fan):
    client.force_login(fan)
    assert client.get("/media/").status_code == 403
    assert client.get("/media/upload/").status_code == 403


@pytest.mark.django_db
def test_direct_upload_start_answers_409_on_local_storage(api_client, creator):
    api_client.force_authenticate(creator)
    response = api_client.post("/api/v1/media/uploads/", {"name": "a.jpg"}, format="multipart")
    assert response.status_code == 409 and response.json()["error"]["code"] == "DIRECT_UPLOAD_UNAVAILABLE"

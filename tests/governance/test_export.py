"""Access/portability export: every registered model's data for the person, Art. 15(1)(a)–(h), no one else's."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from common.errors import SignedUrlInvalid
from governance import registry
from governance.models import DataSubjectRequest
from governance.services import dsar, export, retention
from tests.factories import PASSWORD, make_fan
from tests.governance.privacy_helpers import person_with_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "private"), "base_url": "/media/private/"}}}


def _export_of(person, capture):
    with capture(execute=True):
        request = dsar.submit_own(person, "access", password=PASSWORD)
    request.refresh_from_db()
    assert request.status == "completed" and request.progress == 100 and request.export_key
    with export.open_file(request) as handle:
        return request, zipfile.ZipFile(io.BytesIO(handle.read()))


def test_export_holds_every_registered_models_data_and_article_15(django_capture_on_commit_callbacks):
    person, creator = person_with_data(django_capture_on_commit_callbacks)
    other = make_fan(handle="oscar_other")  # someone else, writing to the same creator
    from fansub.accounts.models import Follow
    from fansub.messaging.services import messages as messaging

    Follow.objects.create(fan=other, creator=creator)
    messaging.start_conversation(other, creator, "oscar says hi")
    _request, archive = _export_of(person, django_capture_on_commit_callbacks)
    names = set(archive.namelist())
    for entry in registry.entries():
        path = f"data/{entry.label}.json"
        assert path in names, f"{entry.label} missing from the export"
        rows = json.loads(archive.read(path))
        if entry.user_path and entry.rows_for(person).exists():
            assert rows, f"{entry.label}: the person's rows are missing"
            if rows and "pk" in rows[0]:
                assert {r["pk"] for r in rows} == set(entry.rows_for(person).values_list("pk", flat=True))
    data = {name: archive.read(name).decode() for name in names}
    assert person.email in data["data/accounts.User.json"]
    assert "coffee from zelda_quux" in data["data/purchases.Tip.json"]
    messages = json.loads(data["data/messaging.Message.json"])
    assert {(m["from"], m["text"]) for m in messages} == {("you", "hi, zelda_quux here"),
                                                          ("corvid_maker", "thanks for writing")}
    art15 = json.loads(data["article15.json"])
    assert set(art15) == {"a_purposes", "b_categories", "c_recipients", "d_retention", "e_rights",
                          "f_complaint", "g_source", "h_automated_decisions"}
    assert all(art15.values())
    assert "supervisory authority" in art15["f_complaint"]
    index = data["index.html"]
    for heading in ("(a) Purposes", "(b) Categories", "(c) Recipients", "(d) Retention", "(e) Your rights",
                    "(f) Complaint", "(g) Source", "(h) Automated decision-making"):
        assert heading in index
    everything = "\n".join(data.values()).lower()
    for foreign in (other.email, other.handle, "oscar says hi", creator.email):
        assert foreign.lower() not in everything, f"another person's data in the export: {foreign}"


def test_export_includes_the_persons_uploads_as_files(django_capture_on_commit_callbacks, settings):
    from fansub.media.services import processing, uploads
    from tests.factories import make_creator
    from tests.media.corpus import jpeg_with_gps

    creator = make_creator(handle="uploader_ulla")
    data = jpeg_with_gps()
    with django_capture_on_commit_callbacks(execute=True):
        item = uploads.upload_media(creator, io.BytesIO(data), size=len(data), name="walrus.jpg",
                                    content_type="image/jpeg").item
    item.refresh_from_db()
    if item.state == "uploaded":
        processing.process_media_item(item.pk)
    _request, archive = _export_of(creator, django_capture_on_commit_callbacks)
    files = [n for n in archive.namelist() if n.startswith("files/media.MediaItem/")]
    assert files == [f"files/media.MediaItem/{item.public_id}.jpg"]
    assert archive.read(files[0])[:2] == b"\xff\xd8"


def test_export_link_is_signed_expiring_and_only_for_the_person(client, django_capture_on_commit_callbacks):
    person = make_fan()
    request, _archive = _export_of(person, django_capture_on_commit_callbacks)
    path = export.download_path(request)
    client.force_login(person)
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert client.get(path[:-3] + "xyz/").status_code == 403  # tampered
    client.force_login(make_fan())
    assert client.get(path).status_code == 404  # someone else's link
    DataSubjectRequest.objects.filter(pk=request.pk).update(export_expires_at=timezone.now() - timedelta(seconds=1))
    client.force_login(person)
    assert client.get(path).status_code == 403
    run = retention.run_retention()  # the beat job deletes the expired file
    assert run.counts["governance.export_files"] == 1
    request.refresh_from_db()
    assert request.export_key == ""
    with pytest.raises(SignedUrlInvalid):
        export.open_file(request)

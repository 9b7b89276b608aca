"""Every delete path removes every file: renditions, raw uploads and cached watermarked copies."""

import pytest
from django.core.management import call_command

from common.errors import PermissionDeniedError
from fansub.media import storage
from fansub.media.models import Delivery, MediaItem
from fansub.media.services import delivery
from fansub.media.services.deletion import delete_media_item, find_orphans
from governance import registry
from tests.factories import make_fan, make_staff, verified
from tests.media import corpus


@pytest.fixture
def delivered_item(creator, upload, entitle, django_capture_on_commit_callbacks, tmp_path):
    image = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg")
    video = upload(creator, corpus.mp4_bytes(tmp_path, seconds=1.0), name="b.mp4")
    fan = make_fan()
    entitle(fan.pk)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.deliver(fan, image, "final")
    assert Delivery.objects.exclude(cached_key="").count() == 1
    return image, video, fan


@pytest.mark.django_db
def test_owner_delete_removes_every_file(creator, delivered_item, stored_files, django_capture_on_commit_callbacks):
    image, video, _ = delivered_item
    with django_capture_on_commit_callbacks(execute=True):
        delete_media_item(creator, image)
        delete_media_item(creator, video)
    assert stored_files() == [] and not MediaItem.objects.exists() and not Delivery.objects.exists()
    assert find_orphans(grace_seconds=0) == []


@pytest.mark.django_db
def test_account_deletion_removes_every_file(creator, delivered_item, stored_files,
                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        creator.delete()
    assert stored_files() == [] and find_orphans(grace_seconds=0) == []


@pytest.mark.django_db
def test_personal_data_erasure_removes_every_file(creator, delivered_item, stored_files,
                                                  django_capture_on_commit_callbacks):
    _, _, fan = delivered_item
    with django_capture_on_commit_callbacks(execute=True):
        registry.entry_for(Delivery).erase(fan)
        assert Delivery.objects.count() == 0
        registry.entry_for(MediaItem).erase(creator)
    assert stored_files() == []
    exported = registry.entry_for(MediaItem).export(creator)
    assert exported == []


@pytest.mark.django_db
def test_viewer_account_deletion_drops_their_watermarked_copies(delivered_item, stored_files,
                                                                django_capture_on_commit_callbacks):
    _, _, fan = delivered_item
    with django_capture_on_commit_callbacks(execute=True):
        fan.delete()
    assert not any("/delivered/" in key for key in stored_files())
    assert find_orphans(grace_seconds=0) == []


@pytest.mark.django_db
def test_admin_delete_goes_through_the_service(creator, delivered_item, stored_files, client,
                                               django_capture_on_commit_callbacks):
    from governance.models import AuditLog

    image, _, _ = delivered_item
    staff = make_staff(superuser=True)
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from fansub.media.admin import MediaItemAdmin

    request = RequestFactory().post("/")
    request.user = verified(staff)  # the admin's request.user after the second factor
    with django_capture_on_commit_callbacks(execute=True):
        MediaItemAdmin(MediaItem, site).delete_model(request, image)
    assert AuditLog.objects.filter(action="media.deleted", actor=staff).exists()
    assert not any(str(image.public_id) in key for key in stored_files())


@pytest.mark.django_db
def test_someone_else_cannot_delete(creator, upload, client):
    item = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg")
    with pytest.raises(PermissionDeniedError):
        delete_media_item(make_fan(), item)
    client.force_login(make_fan())
    response = client.delete(f"/api/v1/media/{item.public_id}/")
    # Issue 10: a vault item attached to nothing is unknown to anyone but its owner and staff.
    assert response.status_code == 404
    assert MediaItem.objects.filter(pk=item.pk).exists()


@pytest.mark.django_db
def test_media_orphans_lists_and_deletes_only_orphans(creator, upload, stored_files, capsys):
    item = upload(creator, corpus.jpeg_with_gps(orientation=1), name="a.jpg")
    kept = stored_files()
    storage.save_bytes(f"{storage.item_prefix(creator.pk, item.public_id)}/final-a9.jpg", b"left by a crash")
    storage.save_bytes("incoming/1/abandoned", b"never completed")
    call_command("media_orphans", "--grace-seconds", "0")
    out = capsys.readouterr().out
    assert "final-a9.jpg" in out and "incoming/1/abandoned" in out and "2 orphaned" in out
    assert len(stored_files()) == len(kept) + 2
    call_command("media_orphans", "--delete", "--grace-seconds", "0")
    assert stored_files() == kept
    # Young files are left alone by default: they may belong to work in progress.
    storage.save_bytes("incoming/1/in-flight", b"x")
    assert find_orphans() == []

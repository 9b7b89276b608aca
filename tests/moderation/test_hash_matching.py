"""Known-bad PDQ hash matching on processed uploads: a match fails closed (quarantine, one-year preservation,
payouts frozen, a report task for the Child Safety group only, nobody else told); an unrelated upload passes."""

from datetime import timedelta
from pathlib import Path

import av
import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone
from PIL import ImageOps

from common.errors import HashListInvalid, InvalidTransition, NotEntitled, PermissionDeniedError
from fansub.media.models import MediaItem, MediaState
from fansub.media.services import access, delivery
from fansub.media.services.deletion import delete_media_item
from governance.models import AuditLog
from moderation.models import ChildSafetyReport, HashEntry, HashList, MediaHash, PreservationRecord
from moderation.selectors import payouts_frozen, quarantine_counts
from moderation.services import hash_lists
from moderation.services.hash_matching import hash_picture
from moderation.services.quarantine import CHILD_SAFETY_GROUP, move_report
from payments import hooks
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_staff, verified
from tests.moderation.dmca_support import jpeg, png, scene, uploader, use_tmp_storage


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path):
    use_tmp_storage(settings, tmp_path)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    return uploader(django_capture_on_commit_callbacks)


@pytest.fixture
def known_bad(db):
    """A staff-loaded list holding the PDQ hash of scene(7)."""
    hash_list = HashList.objects.create(name="Clearing house test list", source="test")
    value = hash_picture(scene(7)).value
    hash_lists.import_hashes(hash_list, f"# test list\n{value},label-1,clearing-house\n")
    return hash_list


@pytest.fixture
def child_safety_staff(db):
    staff = make_staff()
    staff.groups.add(Group.objects.get_or_create(name=CHILD_SAFETY_GROUP)[0])
    return verified(staff)


@pytest.mark.django_db
def test_a_resized_reencoded_mirrored_copy_of_a_listed_image_fails_closed(known_bad, upload, child_safety_staff,
                                                                           client):
    creator = make_creator()
    copy = jpeg(ImageOps.mirror(scene(7).resize((384, 288))), quality=55)
    item = upload(creator, copy, name="holiday.jpg")

    assert item.state == MediaState.QUARANTINED
    # preserved a year, with its metadata
    record = PreservationRecord.objects.get(media_item=item)
    assert record.keep_until - timezone.now() > timedelta(days=364)
    assert record.metadata["sha256"] == item.sha256 and record.metadata["original_name"] == "holiday.jpg"
    assert record.distance <= 31 and record.matched_list == known_bad.name
    # payouts frozen (and payments learns it through its hook)
    assert payouts_frozen(creator)
    assert hooks.ask(hooks.PAYOUTS_BLOCKED, creator) == "payouts_frozen"
    # a report task queued for the Child Safety group
    report = ChildSafetyReport.objects.get(preservation=record)
    assert report.status == "queued"
    # nobody else is told: no email; the uploader sees a generic processing failure and nothing is served
    assert mail.outbox == []
    client.force_login(creator)
    body = client.get(f"/api/v1/media/{item.public_id}/").json()
    assert body["state"] == "failed" and body["failure_code"] == "MEDIA_PROCESSING_FAILED"
    assert all(url is None for url in body["urls"].values())
    for kind in ("thumbnail", "preview", "safe_preview"):
        assert access.preview_kind_for(creator, item, kind) is None
    with pytest.raises(NotEntitled):
        delivery.deliver(creator, item, "final")
    # other staff (Trust & Safety, superusers) cannot see it; the Child Safety group can
    other_staff = verified(make_staff(superuser=True))
    assert not access.can_view_final(other_staff, item) and not access.can_view_original(other_staff, item)
    assert access.preview_kind_for(other_staff, item, "preview") is None
    assert access.can_view_original(child_safety_staff, item)
    # the event carries pseudonymous ids only
    event = OutboxEvent.objects.filter(event_type="moderation.hash_matched").get()
    assert event.envelope["payload"]["kind"] == "image" and "holiday" not in str(event.envelope)
    assert quarantine_counts(timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1)) == {
        "hash_match_quarantines": 1}


@pytest.mark.django_db
def test_a_rotated_copy_matches_too(known_bad, upload):
    creator = make_creator()
    item = upload(creator, jpeg(scene(7).rotate(90, expand=True), quality=80), name="r.jpg")
    assert item.state == MediaState.QUARANTINED
    assert PreservationRecord.objects.filter(media_item=item).exists() and payouts_frozen(creator)


@pytest.mark.django_db
def test_an_unrelated_image_is_not_quarantined(known_bad, upload):
    creator = make_creator()
    item = upload(creator, png(scene(8)), name="other.png")
    assert item.state == MediaState.READY
    assert not PreservationRecord.objects.exists() and not ChildSafetyReport.objects.exists()
    assert not payouts_frozen(creator)
    assert MediaHash.objects.filter(media_item=item).count() == 1  # kept for later lists (DMCA re-uploads)


@pytest.mark.django_db
def test_the_distance_limit_is_a_setting(known_bad, upload, settings):
    settings.HASH_MATCH_MAX_DISTANCE = 0
    item = upload(make_creator(), jpeg(ImageOps.mirror(scene(7).resize((384, 288))), quality=55), name="m.jpg")
    assert item.state == MediaState.READY


@pytest.mark.django_db
def test_a_video_is_sampled_by_frames(known_bad, upload, tmp_path: Path):
    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=5)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        # the listed picture appears only later in the clip
        frames = [scene(3).resize((320, 240))] * 5 + [scene(7).resize((320, 240))] * 10
        for picture in frames:
            frame = av.VideoFrame.from_image(picture)
            frame.pts = None
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    item = upload(make_creator(), path.read_bytes(), name="clip.mp4")
    assert item.state == MediaState.QUARANTINED
    assert PreservationRecord.objects.get(media_item=item).metadata["kind"] == "video"


@pytest.mark.django_db
def test_a_preserved_item_is_held_when_its_owner_deletes_it(known_bad, upload):
    creator = make_creator()
    item = upload(creator, jpeg(scene(7)), name="x.jpg")
    delete_media_item(creator, item)
    assert MediaItem.objects.filter(pk=item.pk).exists()
    assert item.renditions.exists()
    assert AuditLog.objects.filter(action="media.delete_held", object_id=str(item.pk)).exists()


@pytest.mark.django_db
def test_only_the_child_safety_group_works_the_report(known_bad, upload, child_safety_staff):
    upload(make_creator(), jpeg(scene(7)), name="x.jpg")
    report = ChildSafetyReport.objects.get()
    with pytest.raises(PermissionDeniedError):
        move_report(verified(make_staff(superuser=True)), report, "in_review")
    with pytest.raises(InvalidTransition):
        move_report(child_safety_staff, report, "reported")  # must be reviewed first
    assert move_report(child_safety_staff, report, "in_review").status == "in_review"
    assert move_report(child_safety_staff, report, "reported").status == "reported"
    assert AuditLog.objects.filter(action="moderation.child_safety_report_reported").exists()


@pytest.mark.django_db
def test_hash_list_import_format():
    hash_list = HashList.objects.create(name="L")
    a, b = "ab" * 32, "CD" * 32
    result = hash_lists.import_hashes(hash_list, f"# comment\n\n{a}\n{b}\tlabel b\tsource b\n{a},again\n")
    assert (result.added, result.already_listed) == (2, 1)
    entry = HashEntry.objects.get(value=b.lower())
    assert (entry.label, entry.source) == ("label b", "source b")
    with pytest.raises(HashListInvalid) as caught:
        hash_lists.import_hashes(hash_list, f"{'ef' * 32}\nnot-a-hash\n")
    assert caught.value.details == {"lines": [2]} and caught.value.status == 400
    assert HashEntry.objects.count() == 2  # all or nothing
    result = hash_lists.import_hashes(hash_list, f"{a}\n")  # replay
    assert (result.added, result.already_listed) == (0, 1)

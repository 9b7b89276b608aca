"""Issue 10, gate 3: performer records wherever adult media is shown, not only at first publish."""

import datetime
import hashlib
import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from common.errors import PerformerRecordMissing
from fansub.custom_requests.services import custom_requests as requests_svc
from fansub.media.models import MediaItem, MediaUse
from fansub.messaging.models import MassMessage, Message, MessageThread
from fansub.messaging.services import mass_messages, messages
from fansub.posts.models import Post
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from fansub.verification.models import GuestRelease, IdentityVerification
from fansub.verification.services import performers
from payments.money import Money
from telemetry.models import OutboxEvent
from tests.factories import make_creator, make_fan
from tests.verification.support import image_bytes, private_storage, staff_in  # noqa: F401

pytestmark = pytest.mark.django_db
_seq = itertools.count()


def ready_item(creator, *, adult: bool) -> MediaItem:
    return MediaItem.objects.create(creator=creator, kind="image", state="ready", is_adult=adult,
                                    source_format="png", size_bytes=10,
                                    sha256=hashlib.sha256(str(next(_seq)).encode()).hexdigest())


def test_edit_attaching_adult_media_to_published_post_needs_records():
    creator = make_creator()  # not adult, no identity verification: a safe post publishes
    post = posts.create_post(creator, PostInput(text="hello", audience=AudienceSpec(public=True)))
    assert post.status == "published" and not post.is_adult
    item = ready_item(creator, adult=True)
    with pytest.raises(PerformerRecordMissing):
        posts.edit_post(creator, post.pk, PostInput(text="hello", audience=AudienceSpec(public=True),
                                                    media_ids=(str(item.public_id),)))
    post.refresh_from_db()
    assert not post.is_adult and not MediaUse.objects.filter(object_id=str(post.pk)).exists()


def test_guest_added_after_publishing_sends_the_post_back_to_pending(private_storage):  # noqa: F811
    creator = make_creator(adult=True, verified=True)
    post = posts.create_post(creator, PostInput(text="solo", audience=AudienceSpec(public=True)))
    assert post.status == "published"
    release = performers.submit_guest_release(
        creator, post.pk, legal_name="Gina Guest", date_of_birth=datetime.date(1990, 2, 3),
        aliases=[], id_image=SimpleUploadedFile("id.png", image_bytes(), content_type="image/png"),
        release_form=SimpleUploadedFile("release.png", image_bytes(), content_type="image/png"))
    assert Post.objects.get(pk=post.pk).status == "pending"
    assert OutboxEvent.objects.filter(event_type="post.held").exists()
    performers.decide_release(staff_in("Custodian of Records"), release.pk, approve=True, reason="ID matches")
    assert GuestRelease.objects.get(pk=release.pk).status == "approved"
    assert Post.objects.get(pk=post.pk).status == "published"


def test_message_with_adult_media_needs_the_senders_records():
    creator, fan = make_creator(), make_fan()
    thread = MessageThread.objects.create(fan=fan, creator=creator)
    with pytest.raises(PerformerRecordMissing):
        messages.send(creator, thread.pk, "look", media_ids=(str(ready_item(creator, adult=True).public_id),))
    assert not Message.objects.filter(thread=thread).exists()
    # safe media still goes, and a verified sender's own identity covers adult media
    messages.send(creator, thread.pk, "look", media_ids=(str(ready_item(creator, adult=False).public_id),))
    verified_creator = make_creator(adult=True, verified=True)
    other = MessageThread.objects.create(fan=fan, creator=verified_creator)
    messages.send(verified_creator, other.pk, "look",
                  media_ids=(str(ready_item(verified_creator, adult=True).public_id),))


def test_mass_message_with_adult_media_needs_the_senders_records():
    creator = make_creator()
    with pytest.raises(PerformerRecordMissing):
        mass_messages.queue(creator, text="new set", segment="followers",
                            media_ids=(str(ready_item(creator, adult=True).public_id),))
    assert not MassMessage.objects.exists()


def test_request_delivery_with_adult_media_needs_the_senders_records(django_capture_on_commit_callbacks):
    creator = make_creator(country="US", verified=True)
    requests_svc.configure(creator, enabled=True, min_prices={"video": 2000}, turnaround_days=3, slots=3,
                           prohibited_topics=[])
    fan = make_fan(country="US", region="US-CA")
    req = requests_svc.submit(fan, creator, kind="video", description="A short birthday video for my friend Sam.",
                              price=Money(2500, "USD"), desired_by=None, payment_method="4242424242424242")
    req = requests_svc.counter(creator, req.pk, price=Money(3000, "USD"), note="ok")
    with django_capture_on_commit_callbacks(execute=True):
        req = requests_svc.accept(fan, req.pk)
    IdentityVerification.objects.filter(user=creator).update(status="expired")  # the approval lapsed since
    with pytest.raises(PerformerRecordMissing):
        requests_svc.deliver(creator, req.pk, note="here", media_ids=[str(ready_item(creator, adult=True).public_id)])
    req.refresh_from_db()
    assert req.status == "accepted"

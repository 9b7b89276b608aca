"""Building a person with data everywhere, Privacy staff, and scanning every table for a person's values."""

from django.apps import apps
from django.contrib.auth.models import Group
from django.db import models

from fansub.accounts.models import Follow
from fansub.messaging.services import messages as messaging
from fansub.posts.models import PostComment, PostLike
from fansub.purchases.services import tips
from governance.models import RetainedRecord
from payments.money import Money
from tests.factories import make_creator, make_fan, make_post, make_staff, verified

CARD = "4242424242424242"
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.EmailField)


def privacy_staff():
    staff = make_staff()
    staff.groups.add(Group.objects.get(name="Privacy"))
    staff = type(staff).objects.get(pk=staff.pk)  # fresh permission cache
    return verified(staff)


def person_with_data(capture, handle: str = "zelda_quux"):
    """A fan with a profile, a follow, a comment, a like, messages both ways, and a tip (payment + receipt)."""
    creator = make_creator(handle="corvid_maker", country="US", verified=True)
    fan = make_fan(handle=handle, country="US", region="US-TX")
    Follow.objects.create(fan=fan, creator=creator)
    post = make_post(creator, public=True)
    PostComment.objects.create(post=post, author=fan, text=f"lovely work from {handle}")
    PostLike.objects.create(post=post, user=fan)
    message = messaging.start_conversation(fan, creator, f"hi, {handle} here")
    messaging.send(creator, message.thread_id, "thanks for writing")
    with capture(execute=True):
        tips.send_tip(fan, creator, Money(300, "USD"), idempotency_key="privacy-tip", payment_method=CARD,
                      note=f"coffee from {handle}")
    return fan, creator


def find_values(needles: list[str], *, allow_retained: bool = True) -> list[str]:
    """Every (model, pk, field) in EVERY table whose text holds one of ``needles`` (case-insensitive), except
    rows an erasure tagged as kept (legal obligation or legal hold)."""
    kept = set(RetainedRecord.objects.values_list("model_label", "object_pk")) if allow_retained else set()
    lowered = [n.lower() for n in needles if n]
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not names:
            continue
        pk_name = model._meta.pk.attname
        for row in model._default_manager.values_list(pk_name, *names):
            if (model._meta.label, str(row[0])) in kept:
                continue
            for name, value in zip(names, row[1:], strict=True):
                text = str(value).lower() if value is not None else ""
                for needle in lowered:
                    if needle in text:
                        found.append(f"{model._meta.label}:{row[0]}.{name} has {needle!r}")
    return found

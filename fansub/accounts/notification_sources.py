"""What feeds the notification centre: listeners on the other apps' public models and hooks.

Connected once in ``AccountsConfig.ready``. Each listener runs inside the transaction of the write it hears
(a rolled-back post, message or request step notifies nobody) and names what it is about in ``ref``, so a
re-save or a replay never notifies twice. Payouts come through the payments hook after commit.
"""

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_save
from django.urls import reverse

from fansub.accounts.models import Follow, NotificationKind, User
from fansub.accounts.selectors import announced
from fansub.accounts.services.notifications import notify, notify_many
from fansub.custom_requests.models import CustomRequestStep, RequestStatus
from fansub.messaging.models import Message
from fansub.posts.models import Post, PostStatus
from fansub.subscriptions.models import Subscription, SubscriptionStatus
from payments import hooks
from payments.money import Money

LIVE = (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING, SubscriptionStatus.PAST_DUE,
        SubscriptionStatus.CANCELED)

REQUEST_NEWS = {
    RequestStatus.SUBMITTED: "New custom request from @{fan}",
    RequestStatus.COUNTERED: "@{creator} made a counter-offer on your request",
    RequestStatus.ACCEPTED: "Custom request accepted",
    RequestStatus.DELIVERED: "@{creator} delivered your custom request",
    RequestStatus.COMPLETED: "Custom request completed",
    RequestStatus.DECLINED: "Custom request declined",
    RequestStatus.WITHDRAWN: "@{fan} withdrew a custom request",
    RequestStatus.EXPIRED: "A custom request expired",
    RequestStatus.REFUNDED: "A custom request was refunded",
    RequestStatus.DISPUTED: "A custom request is disputed",
    RequestStatus.RESOLVED: "A disputed custom request was resolved",
}


def audience_of(creator_id: int) -> list[User]:
    """Followers and current subscribers of a creator (each once)."""
    followers = Follow.objects.filter(creator_id=creator_id).values("fan_id")
    subscribers = Subscription.objects.filter(creator_id=creator_id, status__in=LIVE).values("fan_id")
    return list(User.objects.filter(Q(pk__in=followers) | Q(pk__in=subscribers), is_active=True)
                .exclude(pk=creator_id))


def on_post_saved(sender: Any, instance: Post, **kwargs: Any) -> None:
    if instance.status != PostStatus.PUBLISHED or instance.published_at is None:
        return
    ref = f"post:{instance.pk}"
    if announced(NotificationKind.NEW_POST, ref):  # announced once, to the audience it had when published
        return
    creator = instance.creator
    notify_many(audience_of(creator.pk), NotificationKind.NEW_POST, ref=ref,
                title=f"New post from @{creator.handle}", url=reverse("post-detail", args=[instance.pk]))


def on_message_saved(sender: Any, instance: Message, created: bool = False, **kwargs: Any) -> None:
    if not created:
        return
    thread = instance.thread
    recipient = thread.creator if instance.sender_id == thread.fan_id else thread.fan
    if recipient.pk == instance.sender_id:
        return
    notify(recipient, NotificationKind.NEW_MESSAGE, ref=f"message:{instance.pk}",
           title=f"New message from @{instance.sender.handle}", url=reverse("thread", args=[thread.pk]))


def on_request_step(sender: Any, instance: CustomRequestStep, created: bool = False, **kwargs: Any) -> None:
    if not created or instance.to_status not in REQUEST_NEWS:
        return
    request = instance.request
    title = REQUEST_NEWS[instance.to_status].format(fan=request.fan.handle, creator=request.creator.handle)
    for person in (request.fan, request.creator):
        if person.pk != instance.actor_id:  # the one who made the change knows already
            notify(person, NotificationKind.REQUEST_UPDATE, ref=f"request-step:{instance.pk}", title=title,
                   url=reverse("request-detail", args=[request.pk]))


def on_subscription_saved(sender: Any, instance: Subscription, update_fields: Any = None, **kwargs: Any) -> None:
    if update_fields is None or "renewal_reminded_for" not in update_fields:
        return
    if instance.renewal_reminded_for is None or instance.renewal_reminded_for != instance.current_period_end:
        return
    renews_on = instance.current_period_end
    notify(instance.fan, NotificationKind.RENEWAL_REMINDER,
           ref=f"renewal:{instance.pk}:{renews_on.date().isoformat()}",
           title=f"Your subscription to @{instance.creator.handle} renews on {renews_on:%-d %b %Y}",
           url=reverse("my-subscriptions"))


def on_payout_paid(creator: User, amount: Money, payout_public_id: str) -> None:
    notify(creator, NotificationKind.PAYOUT_PAID, ref=f"payout:{payout_public_id}",
           title=f"Payout of {amount.format()} paid to your bank", url=reverse("studio-money"))


# (to the fan, to the creator) per refund request state; handles only, never the fan's words or the note.
REFUND_NEWS = {
    "requested": ("Your refund request of {amount} was sent to @{creator}", "@{fan} asked for a refund of {amount}"),
    "escalated": ("Your refund request to @{creator} went to Trust & Safety",
                  "The refund request from @{fan} went to Trust & Safety"),
    "refunded": ("@{creator}'s purchase was refunded: {amount}", "The purchase of @{fan} was refunded: {amount}"),
    "partially_refunded": ("@{creator}'s purchase was partly refunded: {amount}",
                           "The purchase of @{fan} was partly refunded: {amount}"),
    "declined": ("Your refund request to @{creator} was declined", "The refund request from @{fan} was declined"),
    "withdrawn": ("You withdrew your refund request to @{creator}", "@{fan} withdrew their refund request"),
}


def on_refund_request_changed(fan: User, creator: User, request_public_id: str, status: str,
                              amount: Money | None) -> None:
    if status not in REFUND_NEWS:
        return
    to_fan, to_creator = REFUND_NEWS[status]
    words = {"fan": fan.handle, "creator": creator.handle, "amount": amount.format() if amount else ""}
    ref = f"refund-request:{request_public_id}:{status}"
    notify(fan, NotificationKind.REFUND_UPDATE, ref=ref, title=to_fan.format(**words),
           url=reverse("payments:purchases"))
    notify(creator, NotificationKind.REFUND_UPDATE, ref=ref, title=to_creator.format(**words),
           url=reverse("studio-refunds"))


def connect() -> None:
    post_save.connect(on_post_saved, sender=Post, dispatch_uid="accounts.notify.post")
    post_save.connect(on_message_saved, sender=Message, dispatch_uid="accounts.notify.message")
    post_save.connect(on_request_step, sender=CustomRequestStep, dispatch_uid="accounts.notify.request_step")
    post_save.connect(on_subscription_saved, sender=Subscription, dispatch_uid="accounts.notify.renewal")
    hooks.register(hooks.PAYOUT_PAID, on_payout_paid)
    hooks.register(hooks.REFUND_REQUEST_CHANGED, on_refund_request_changed)

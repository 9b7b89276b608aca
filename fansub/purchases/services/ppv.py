"""Pay-per-view: buying a post or a message once for permanent access; refunds revoke it.

The idempotency key of an unlock is derived from (item, fan), not from the client's key, so
buying the same thing twice — two tabs, a retried request — charges once.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import (
    AlreadyUnlocked,
    Blocked,
    DuplicateOffer,
    NotForSale,
    NotFoundError,
    PaymentDeclined,
    PaymentRequiresAction,
    PermissionDeniedError,
    ValidationFailed,
)
from fansub.accounts.models import Role, User
from fansub.accounts.services import page_stamps
from fansub.accounts.services.social import is_blocked_between
from fansub.media.models import MediaUse, UseKind
from fansub.media.selectors import attachable_media
from fansub.media.services import links as media_links
from fansub.messaging.models import Message, MessageThread
from fansub.messaging.services.messages import send
from fansub.offers.services.tiers import creator_currency, platform_bound
from fansub.posts import entitlements
from fansub.posts.models import Post
from fansub.posts.selectors import post_for_viewer
from fansub.purchases.models import MessageUnlock, PostPurchase, PostPurchaseItem
from fansub.purchases.services import billing
from fansub.verification.services import performers
from fansub.verification.services.creator_verification import require_verified_creator
from payments.money import Money
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym


def buy_post(fan: User, post_id: int, *, payment_method: str, confirmed_country: str = "") -> PostPurchase:

    if fan.role != Role.FAN:
        raise PermissionDeniedError("Only fans buy content.")
    card = post_for_viewer(fan, post_id)
    if card is None:
        raise NotFoundError("No such post.")
    post = card.post
    if post.ppv_price is None:
        raise NotForSale("This post is not for sale.")
    existing = PostPurchase.objects.filter(post=post, fan=fan, revoked_at__isnull=True).first()
    if existing is not None:
        return existing  # buying twice charges once
    if card.decision.allowed:
        raise AlreadyUnlocked("Your subscription already includes this post.")
    if card.decision.reason in (entitlements.Denial.BLOCKED, entitlements.Denial.REMOVED):
        raise NotFoundError("No such post.")
    _refuse_owned_items(fan, post)
    reference = f"post:{post.pk}"
    outcome = billing.charge(fan=fan, creator=post.creator, amount=post.ppv_price, purpose="ppv_post",
                             reference=reference, idempotency_key=_unlock_key(fan, "ppv_post", reference),
                             payment_method=payment_method, confirmed_country=confirmed_country)
    _raise_unless_paid(outcome)
    return _grant_post(fan, post.pk, outcome.payment_reference)


def _refuse_owned_items(fan: User, post: Post) -> None:
    """Never charge twice for the same media: a post carrying an item the fan already bought (in another post
    or a paid message) is refused before any charge."""
    items = list(MediaUse.objects.filter(kind=UseKind.POST, object_id=str(post.pk))
                 .values_list("media_item_id", "media_item__public_id"))
    if not items:
        return
    owned = {pk for pk, state in vault_status_for_fan(post.creator, fan).items() if state == "bought"}
    repeated = [str(public_id) for pk, public_id in items if pk in owned]
    if repeated:
        raise DuplicateOffer("You already own some of this post's media.", details={"media_ids": repeated})


def _unlock_key(fan: User, purpose: str, reference: str) -> str:
    """One key per (fan, item, attempt): two tabs buying at once share it and are charged once, while a
    declined or refunded attempt moves on to a new key so the fan can try another card or buy again."""
    return f"{purpose}:{reference}:{fan.pk}:{billing.ended_attempts(fan, purpose, reference)}"


def _raise_unless_paid(outcome: billing.ChargeOutcome) -> None:
    if outcome.status == "failed":
        raise PaymentDeclined(outcome.message or "The payment was declined.",
                          details={"decline_code": outcome.decline_code})
    if outcome.status == "requires_action":
        raise PaymentRequiresAction("Your bank needs to confirm this payment.",
                          details={"client_action": outcome.client_action})


def _grant_post(fan: User, post_id: int, payment_reference: str) -> PostPurchase:
    try:
        with transaction.atomic():
            unlock = PostPurchase.objects.create(post_id=post_id, fan=fan, payment_reference=payment_reference)
            snapshot_purchased_items(unlock)
            emit("ppv.purchased", {"item": "post", "item_id": post_id, "payment_reference": payment_reference},
                 actor=fan)
    except IntegrityError:  # a concurrent buy won: same charge (same key), one unlock
        unlock = PostPurchase.objects.get(post_id=post_id, fan=fan, revoked_at__isnull=True)
    return unlock


def snapshot_purchased_items(purchase: PostPurchase) -> int:
    """Record what this purchase bought (the post's media right now): the buyer keeps these items even when the
    creator later detaches them from the post."""
    item_ids = MediaUse.objects.filter(kind=UseKind.POST, object_id=str(purchase.post_id)).values_list(
        "media_item_id", flat=True)
    rows = [PostPurchaseItem(purchase=purchase, media_item_id=item_id) for item_id in item_ids]
    PostPurchaseItem.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def check_ppv_price(creator: User, price: Money) -> None:
    """A price a creator may ask: only identity-verified creators sell (CREATOR_NOT_VERIFIED), within bounds."""
    from django.conf import settings

    require_verified_creator(creator)
    currency = creator_currency(creator)
    low, high = platform_bound(settings.PPV_PRICE_MIN, currency), platform_bound(settings.PPV_PRICE_MAX, currency)
    if price.currency != currency or not low <= price <= high:
        raise ValidationFailed(f"Between {low} and {high}.",
                          details={"price": [f"Between {low} and {high}."]})


def send_paid_message(creator: User, thread_id: int, *, text: str, price: Money,
                      media_ids: tuple[str, ...] = ()) -> Message:


    if creator.role != Role.CREATOR:
        raise PermissionDeniedError("Only creators sell messages.")
    check_ppv_price(creator, price)

    thread = MessageThread.objects.filter(pk=thread_id, creator=creator).first()
    if thread is None:
        raise NotFoundError("No such conversation.")
    items = attachable_media(creator, list(media_ids)) if media_ids else []
    offered = vault_status_for_fan(creator, thread.fan_id) if items else {}
    repeated = {item.pk for item in items if item.pk in offered}
    if repeated:
        raise DuplicateOffer(details={"media_ids": [str(i.public_id) for i in items if i.pk in repeated]})
    with transaction.atomic():
        message = send(creator, thread_id, text)
        message.price_minor, message.currency = price.minor, price.currency
        message.save(update_fields=["price_minor", "currency"])
        attached = media_links.attach(creator, UseKind.MESSAGE, message.pk, media_ids)
        performers.require_sender_records(creator, attached)
        if any(item.is_adult for item in attached) and not message.is_adult:
            message.is_adult = True
            message.save(update_fields=["is_adult"])
    return message


def message_locked_for(viewer: User, message: Message) -> bool:
    if message.price_minor is None or viewer.pk == message.sender_id:
        return False
    return not MessageUnlock.objects.filter(message=message, fan=viewer, revoked_at__isnull=True).exists()


def buy_message(fan: User, message_id: int, *, payment_method: str, confirmed_country: str = "") -> MessageUnlock:
    message = Message.objects.select_related("thread", "sender").filter(pk=message_id, unsent_at__isnull=True).first()
    if message is None or message.thread.fan_id != fan.pk:
        raise NotFoundError("No such message.")
    if message.price_minor is None:
        raise NotForSale("This message is not for sale.")
    if is_blocked_between(fan, message.sender):
        raise Blocked()
    existing = MessageUnlock.objects.filter(message=message, fan=fan, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    price = Money(message.price_minor, message.currency)
    reference = f"message:{message.pk}"
    outcome = billing.charge(fan=fan, creator=message.sender, amount=price, purpose="ppv_message",
                             reference=reference, idempotency_key=_unlock_key(fan, "ppv_message", reference),
                             payment_method=payment_method, confirmed_country=confirmed_country)
    _raise_unless_paid(outcome)
    try:
        with transaction.atomic():
            unlock = MessageUnlock.objects.create(message=message, fan=fan,
                                                  payment_reference=outcome.payment_reference)
            emit("ppv.purchased", {"item": "message", "item_id": message.pk,
                                   "payment_reference": outcome.payment_reference}, actor=fan)
    except IntegrityError:
        unlock = MessageUnlock.objects.get(message=message, fan=fan, revoked_at__isnull=True)
    return unlock


def unsend(creator: User, message_id: int) -> int:
    """Withdraw a paid message (single or mass) from everyone who has not bought it. Returns how many."""
    message = Message.objects.filter(pk=message_id, sender=creator).first()
    if message is None:
        raise NotFoundError("No such message.")
    if message.price_minor is None:
        raise NotForSale("Only paid messages can be unsent.")
    siblings = Message.objects.filter(pk=message.pk)
    if message.mass_message_id:
        siblings = Message.objects.filter(mass_message_id=message.mass_message_id)
    bought = MessageUnlock.objects.filter(message__in=siblings, revoked_at__isnull=True).values("message_id")
    with transaction.atomic():
        count = siblings.filter(unsent_at__isnull=True).exclude(pk__in=bought).update(unsent_at=timezone.now())
        emit("message.unsent", {"message_id": message.pk, "withdrawn": count,
                                "creator_id": pseudonym("user", creator.pk)}, actor=creator)
    return count


def revoke_for_refund(purpose: str, reference: str, payment_reference: str) -> None:
    """A refunded PPV purchase revokes its access (payments calls this on refund)."""
    now = timezone.now()
    if purpose == "ppv_post":
        revoked = PostPurchase.objects.filter(payment_reference=payment_reference, revoked_at__isnull=True)
        page_stamps.touch_viewers(revoked.values_list("fan_id", flat=True))
        revoked.update(revoked_at=now)
    elif purpose == "ppv_message":
        MessageUnlock.objects.filter(payment_reference=payment_reference, revoked_at__isnull=True).update(
            revoked_at=now)


def vault_status_for_fan(creator: User, fan: User | int) -> dict[int, str]:
    """Per media item of the creator: "bought" or "sent" (offered in a message but not bought), for one
    fan — what the vault shows so a creator never offers the same item twice."""

    status: dict[int, str] = {}
    messages = {m.pk: m for m in Message.objects.filter(thread__fan=fan, thread__creator=creator,
                                                       unsent_at__isnull=True)}
    unlocked = set(MessageUnlock.objects.filter(fan=fan, message_id__in=list(messages), revoked_at__isnull=True)
                   .values_list("message_id", flat=True))
    for use in MediaUse.objects.filter(kind=UseKind.MESSAGE, object_id__in=[str(pk) for pk in messages]):
        message = messages[int(use.object_id)]
        state = "bought" if message.price_minor is not None and message.pk in unlocked else "sent"
        if status.get(use.media_item_id) != "bought":
            status[use.media_item_id] = state
    bought_posts = [str(i) for i in PostPurchase.objects.filter(fan=fan, post__creator=creator,
                                                                revoked_at__isnull=True).values_list("post_id",
                                                                                                     flat=True)]
    for item_id in MediaUse.objects.filter(kind=UseKind.POST, object_id__in=bought_posts).values_list(
            "media_item_id", flat=True):
        status[item_id] = "bought"
    for item_id in PostPurchaseItem.objects.filter(purchase__post_id__in=bought_posts).values_list(
            "media_item_id", flat=True):  # bought, and since detached from the post: still the fan's
        status[item_id] = "bought"
    return status

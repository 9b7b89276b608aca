"""Tips: on a post, on a profile, or in a message. Idempotent per (fan, Idempotency-Key)."""

import contextlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from common import trust
from common.errors import (
    Blocked,
    DomainError,
    IdempotencyConflict,
    IdempotencyInProgress,
    NotACreator,
    NotFoundError,
    PaymentDeclined,
    PermissionDeniedError,
    TipAmountOutOfBounds,
    ValidationFailed,
)
from fansub.accounts.models import Role, User
from fansub.accounts.services.social import is_blocked_between
from fansub.messaging.models import Message, MessageThread
from fansub.offers.services.tiers import creator_currency, platform_bound
from fansub.posts.selectors import post_for_viewer
from fansub.purchases.models import TIP_TRANSITIONS, Tip
from fansub.purchases.services import billing
from payments.errors import ProviderUnavailable
from payments.money import Money
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym


def _validate(fan: User, creator: User, amount: Money, note: str) -> None:
    if fan.role != Role.FAN:
        raise PermissionDeniedError("Only fans send tips.")
    if creator.role != Role.CREATOR:
        raise NotACreator("Tips go to creators.")
    if is_blocked_between(fan, creator):
        raise Blocked()
    currency = creator_currency(creator)
    low, high = platform_bound(settings.TIP_MIN, currency), platform_bound(settings.TIP_MAX, currency)
    if amount.currency != currency or not low <= amount <= high:
        raise TipAmountOutOfBounds(f"A tip is between {low} and {high}.",
                               details={"min": str(low), "max": str(high)})
    if len(note) > 500:
        raise ValidationFailed(details={"note": ["At most 500 characters."]})


def send_tip(fan: User, creator: User, amount: Money, *, idempotency_key: str, payment_method: str,
             note: str = "", anonymous: bool = False, post_id: int | None = None,
             thread_id: int | None = None, confirmed_country: str = "") -> Tip:
    """Tip a creator. A refusal before any money moved (TAX_LOCATION_CONFLICT, validation) leaves no
    pending row behind: a retry with the same key is decided afresh — the same refusal, or a tip once the
    fan confirms their country (``confirmed_country``)."""
    note = (note or "").strip()
    _validate(fan, creator, amount, note)
    hold = trust.screen_text(trust.TIP_NOTE, note, author=fan)  # CONTENT_REFUSED before any money moves
    post = thread = None
    if post_id is not None:

        card = post_for_viewer(fan, post_id)
        if card is None or card.post.creator_id != creator.pk:
            raise NotFoundError("No such post.")
        post = card.post
    if thread_id is not None:
        thread = MessageThread.objects.filter(pk=thread_id, fan=fan, creator=creator).first()
        if thread is None:
            raise NotFoundError("No such conversation.")
    existing = Tip.objects.filter(fan=fan, idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.status == Tip.Status.PENDING and not existing.payment_reference:
            # The first call is still before its charge, or its provider call failed: re-drive the same
            # payment (the key is the tip's), never a second one.
            _replay(existing, amount, creator)
            return _charge(existing, payment_method, confirmed_country)
        return _replay(existing, amount, creator)
    try:
        with transaction.atomic():
            tip = Tip.objects.create(fan=fan, creator=creator, amount_minor=amount.minor, currency=amount.currency,
                                     note=note, is_anonymous=anonymous, post=post, thread=thread,
                                     idempotency_key=idempotency_key)
            if hold is not None:
                hold.queue(tip.pk, fan)
    except IntegrityError:
        return _replay(Tip.objects.get(fan=fan, idempotency_key=idempotency_key), amount, creator)
    return _charge(tip, payment_method, confirmed_country)


def _charge(tip: Tip, payment_method: str, confirmed_country: str) -> Tip:
    try:
        outcome = billing.charge(fan=tip.fan, creator=tip.creator, amount=tip.amount, purpose="tip",
                                 reference=f"tip:{tip.pk}", idempotency_key=f"tip:{tip.pk}",
                                 payment_method=payment_method, confirmed_country=confirmed_country)
    except (ProviderUnavailable, IdempotencyInProgress):
        raise  # outcome unknown: the tip stays pending and a retry with the same key re-drives its payment
    except DomainError:
        # Refused before any money moved (tax location, validation): no pending row stays behind.
        if not billing.charge_recorded("tip", f"tip:{tip.pk}"):
            Tip.objects.filter(pk=tip.pk, status=Tip.Status.PENDING, payment_reference="").delete()
        raise
    return settle(tip.pk, outcome)


def _replay(tip: Tip, amount: Money, creator: User) -> Tip:
    if tip.amount != amount or tip.creator_id != creator.pk:
        raise IdempotencyConflict("This Idempotency-Key was used for a different tip.")
    return tip


def settle(tip_id: int, outcome: billing.ChargeOutcome) -> Tip:
    with transaction.atomic():
        tip = Tip.objects.select_for_update().get(pk=tip_id)
        tip.payment_reference = outcome.payment_reference
        if tip.status != Tip.Status.PENDING:
            return tip
        if outcome.status == "succeeded":
            TIP_TRANSITIONS.move(tip, Tip.Status.SUCCEEDED)
            tip.save(update_fields=["status", "payment_reference"])
            _announce(tip)
        elif outcome.status == "failed":
            TIP_TRANSITIONS.move(tip, Tip.Status.FAILED)
            tip.save(update_fields=["status", "payment_reference"])
        else:
            tip.save(update_fields=["payment_reference"])
    if outcome.status == "failed":
        raise PaymentDeclined(outcome.message or "The payment was declined.",
                          details={"decline_code": outcome.decline_code})
    tip.client_action = outcome.client_action if outcome.status == "requires_action" else None
    return tip


def _announce(tip: Tip) -> None:
    if tip.thread_id:
        message = Message.objects.create(thread_id=tip.thread_id, sender_id=tip.fan_id, text=tip.note, tip=tip)
        MessageThread.objects.filter(pk=tip.thread_id).update(last_message_at=timezone.now())
        emit("message.sent", {"thread_id": tip.thread_id, "message_id": message.pk, "kind": "tip",
                              "sender_role": "fan"}, actor=tip.fan)
    emit("tip.sent", {"tip_id": tip.pk, "creator_id": pseudonym("user", tip.creator_id),
                      "amount_minor": tip.amount_minor, "currency": tip.currency,
                      "target": "message" if tip.thread_id else "post" if tip.post_id else "profile",
                      "anonymous": tip.is_anonymous}, actor=tip.fan)


def complete_pending(payment_reference: str, succeeded: bool) -> None:
    """Payments calls this when a tip's awaited payment (3-D Secure) finishes."""
    tip = Tip.objects.filter(payment_reference=payment_reference, status=Tip.Status.PENDING).first()
    if tip is None:
        return
    outcome = billing.ChargeOutcome("succeeded" if succeeded else "failed", payment_reference, tip.amount)
    # A failed 3-D Secure is recorded on the tip; nobody is waiting on this call for the error.
    with contextlib.suppress(DomainError):
        settle(tip.pk, outcome)


def mark_refunded(payment_reference: str) -> None:
    """Payments calls this when a tip's payment was fully refunded (or charged back)."""
    with transaction.atomic():
        for tip in Tip.objects.select_for_update().filter(payment_reference=payment_reference):
            if tip.status == Tip.Status.REFUNDED:
                continue  # the hook told us twice
            TIP_TRANSITIONS.move(tip, Tip.Status.REFUNDED)
            tip.save(update_fields=["status"])


def set_tip_totals_hidden(creator: User, *, hidden: bool) -> None:
    profile = creator.creator_profile
    profile.hide_tip_totals = hidden
    profile.save(update_fields=["hide_tip_totals", "updated_at"])


def tip_totals(creator: User) -> Money:
    total = (Tip.objects.filter(creator=creator, status=Tip.Status.SUCCEEDED)
             .aggregate(total=Sum("amount_minor"))["total"]) or 0
    return Money(total, creator_currency(creator))


def public_tip_total(creator: User) -> Money | None:
    """What the public sees: nothing when the creator hides tip totals."""
    if creator.creator_profile.hide_tip_totals:
        return None
    return tip_totals(creator)


def recent_tips(creator: User, limit: int = 50) -> list[Tip]:
    return list(Tip.objects.filter(creator=creator, status=Tip.Status.SUCCEEDED).select_related("fan", "post")
                .order_by("-created_at")[:limit])



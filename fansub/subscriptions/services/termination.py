"""Ending every subscription of an account at once (a Trust & Safety ban), with pro-rata refunds.

Both sides end: the subscriptions the account holds as a fan and those fans hold to it as a creator. The
fan is refunded the unused share of the period they last paid for (time left / period length, half-up).
Called by moderation outside any transaction (refunds call the provider)."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fansub.purchases.services import billing
from fansub.subscriptions.models import Subscription, SubscriptionCheckout
from fansub.subscriptions.models import SubscriptionStatus as S
from fansub.subscriptions.services.lifecycle import event_payload, transition
from telemetry.events import emit

LIVE = (S.ACTIVE, S.TRIALING, S.PAST_DUE, S.CANCELED)


@dataclass(frozen=True)
class Ended:
    subscription_id: int
    refunded_minor: int
    currency: str


def _payment_reference(sub: Subscription) -> str | None:
    checkouts = SubscriptionCheckout.objects.filter(subscription=sub).exclude(payment_reference="")
    references = [("subscription_renewal", f"subscription:{sub.pk}")]
    references += [("subscription", f"checkout:{c.pk}") for c in checkouts]
    return billing.latest_charge(references)


def end_all_for_account(user: Any, *, reason: str, actor: Any = None) -> list[Ended]:
    now = timezone.now()
    ended: list[Ended] = []
    ids = list(Subscription.objects.filter(Q(fan=user) | Q(creator=user), status__in=LIVE).values_list("pk", flat=True))
    for sub_id in ids:
        with transaction.atomic():
            sub = Subscription.objects.select_for_update().filter(pk=sub_id, status__in=LIVE).first()
            if sub is None:
                continue
            period_start, period_end = sub.current_period_start, sub.current_period_end
            transition(sub, S.EXPIRED)
            sub.ended_at = now
            sub.end_reason = reason[:30]
            sub.renews = False
            sub.save(update_fields=["status", "ended_at", "end_reason", "renews", "updated_at"])
            emit("subscription.expired", event_payload(sub, reason="account_banned"), actor=None)
        refunded, currency = 0, ""
        reference = _payment_reference(sub) if sub.status == S.EXPIRED else None
        total = int((period_end - period_start).total_seconds())
        left = min(max(int((period_end - now).total_seconds()), 0), total)
        if reference and left > 0:
            amount = billing.refund_share(reference, numerator=left, denominator=total, reason="goodwill",
                                          actor=actor, idempotency_key=f"subscription:{sub.pk}:ban-prorata")
            if amount is not None:
                refunded, currency = amount.minor, amount.currency
        ended.append(Ended(sub.pk, refunded, currency))
    return ended

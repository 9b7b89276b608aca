"""Subscriptions billed by the processor (CCBill's recurring billing): its postbacks, told by payments through
the ``provider_subscription_changed`` hook, become renewals, dunning, cancellation and expiry here.

    renewed         RenewalSuccess: the next period is paid (renewals.provider_renewed)
    renewal_failed  RenewalFailure: dunning as for our own failed renewal (renewals.provider_renewal_failed)
    cancelled       Cancellation: no further rebills; access runs to the end of the paid period
    expired         Expiration: the subscription ends now (the fan becomes a follower)
"""

from django.db import transaction
from django.utils import timezone

from fansub.subscriptions.models import Subscription, SubscriptionCheckout, SubscriptionStatus
from fansub.subscriptions.services import renewals
from fansub.subscriptions.services.lifecycle import event_payload, expire_to_follower, transition
from telemetry.events import emit

S = SubscriptionStatus
PURPOSES = ("subscription", "subscription_renewal", "subscription_upgrade")


def subscription_for(payment_reference: str, reference: str) -> int | None:
    """The subscription a processor-billed sale belongs to: by the first payment's checkout, or by reference."""
    checkout = SubscriptionCheckout.objects.filter(payment_reference=payment_reference).first()
    if checkout is not None and checkout.subscription_id:
        return checkout.subscription_id
    if reference.startswith("subscription:") and reference[13:].isdigit():
        return int(reference[13:])
    if reference.startswith("checkout:") and reference[9:].isdigit():
        checkout = SubscriptionCheckout.objects.filter(pk=int(reference[9:])).first()
        return checkout.subscription_id if checkout is not None else None
    return None


def provider_subscription_changed(purpose: str, reference: str, payment_reference: str, kind: str) -> str:
    if purpose not in PURPOSES:
        return "not_a_subscription"
    subscription_id = subscription_for(payment_reference, reference)
    if subscription_id is None:
        return "unknown"
    now = timezone.now()
    if kind == "renewed":
        return "renewed" if renewals.provider_renewed(subscription_id, now) else "ignored"
    if kind == "renewal_failed":
        return "dunning" if renewals.provider_renewal_failed(subscription_id, now) else "ignored"
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(pk=subscription_id).first()
        if sub is None or sub.status == S.EXPIRED:
            return "ignored"
        if kind == "cancelled" and sub.status != S.CANCELED:
            transition(sub, S.CANCELED)
            sub.renews = False
            sub.pending_tier = None
            sub.end_reason = "canceled_at_processor"
            sub.save(update_fields=["status", "renews", "pending_tier", "end_reason", "updated_at"])
            emit("subscription.canceled", event_payload(sub, reason="fan",
                                                   effective_at=sub.current_period_end.isoformat()), actor=None)
            return "cancelled"
        if kind == "expired":
            expire_to_follower(sub, "canceled")
            return "expired"
    return "ignored"

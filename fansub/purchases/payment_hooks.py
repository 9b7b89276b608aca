"""What fansub tells payments through payments.hooks (payments never imports fansub)."""

from typing import Any

from fansub.accounts.models import CreatorProfile
from fansub.accounts.services import page_stamps
from fansub.custom_requests.services import payment_events as request_payment_events
from fansub.purchases.services import settlement
from fansub.purchases.services.ppv import revoke_for_refund
from fansub.purchases.services.tips import complete_pending, mark_refunded
from fansub.subscriptions.services import provider_billing
from fansub.subscriptions.services.subscriptions import complete_checkout_payment
from payments import hooks


def content_category(creator: Any) -> str | None:
    profile = getattr(creator, "creator_profile", None)
    if profile is None:
        return None
    return "adult" if profile.is_adult else "general"


def payout_readiness_changed(creator: Any, ready: bool) -> None:

    CreatorProfile.objects.filter(user=creator).update(payout_ready=ready)
    page_stamps.touch_creators([creator.pk])


def payment_settled(purpose: str, reference: str, payment_reference: str, succeeded: bool) -> None:
    """An awaited payment finished (3-D Secure done, webhook arrived): finish what waited for it. A success that
    comes after the purchase gave up (checkout expired, tip failed, item gone) is fulfilled if it still can be,
    else refunded in full."""
    if purpose in ("subscription", "subscription_upgrade"):

        complete_checkout_payment(payment_reference, succeeded, reference)
    elif purpose == "tip":

        complete_pending(payment_reference, succeeded)
        if succeeded:
            settlement.settle_quietly(settlement.late_tip_settled, payment_reference, reference)
    elif purpose in settlement.PPV and succeeded:
        settlement.settle_quietly(settlement.late_ppv_settled, purpose, reference, payment_reference)
    elif purpose == "custom_request" and succeeded:
        settlement.settle_quietly(request_payment_events.late_hold_settled, reference, payment_reference)


def refund_failed(purpose: str, reference: str, payment_reference: str, refund_reference: str) -> None:
    """A refund failed at the provider after it had succeeded: restore what it revoked; Finance sees it."""
    if purpose == "custom_request":
        request_payment_events.refund_failed(reference, payment_reference, refund_reference)
    else:
        settlement.restore_after_failed_refund(purpose, reference, payment_reference, refund_reference)


def provider_subscription_changed(purpose: str, reference: str, payment_reference: str, kind: str) -> None:
    """CCBill's recurring billing: renewals, dunning, cancellation and expiry of the subscription it bills."""
    provider_billing.provider_subscription_changed(purpose, reference, payment_reference, kind)


def payment_reversed(purpose: str, reference: str, payment_reference: str, fully: bool) -> None:
    """A refund took money back: a fully refunded unlock or tip no longer stands."""
    if not fully:
        return
    if purpose in ("ppv_post", "ppv_message"):

        revoke_for_refund(purpose, reference, payment_reference)
    elif purpose == "tip":

        mark_refunded(payment_reference)


def register() -> None:
    hooks.register(hooks.CREATOR_CONTENT_CATEGORY, content_category)
    hooks.register(hooks.PAYOUT_READINESS_CHANGED, payout_readiness_changed)
    hooks.register(hooks.PAYMENT_SETTLED, payment_settled)
    hooks.register(hooks.PAYMENT_REVERSED, payment_reversed)
    hooks.register(hooks.REFUND_FAILED, refund_failed)
    hooks.register(hooks.PROVIDER_SUBSCRIPTION_CHANGED, provider_subscription_changed)

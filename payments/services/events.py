"""The payments events (schemas under telemetry/schemas/payment.*, payout.*): pseudonymous ids only."""

from typing import Any

from payments.models import Dispute, Payment, Payout, Refund
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym


def _ids(payment: Payment) -> dict[str, str]:
    return {"payment_id": pseudonym("payment", payment.pk), "fan_id": pseudonym("user", payment.fan_id),
            "creator_id": pseudonym("user", payment.creator_id)}


def charge_succeeded(payment: Payment, actor: Any = None) -> None:
    emit("payment.charge_succeeded", {
        **_ids(payment), "purpose": payment.purpose, "amount_minor": payment.amount, "currency": payment.currency,
        "tax_minor": payment.tax_amount, "platform_fee_minor": payment.platform_fee, "provider": payment.provider,
        "tax_country": payment.tax_country or None, "escrow": payment.escrow == "held",
    }, actor, source="payments")


def charge_failed(payment: Payment, actor: Any = None) -> None:
    emit("payment.charge_failed", {
        **_ids(payment), "purpose": payment.purpose, "amount_minor": payment.amount, "currency": payment.currency,
        "provider": payment.provider, "decline_code": payment.decline_code or None,
    }, actor, source="payments")


def refunded(refund: Refund, actor: Any = None) -> None:
    payment = refund.payment
    emit("payment.refunded", {
        **_ids(payment), "refund_id": pseudonym("refund", refund.pk), "amount_minor": refund.amount,
        "currency": refund.currency, "reason_code": refund.reason,
        "fully_refunded": payment.amount_refunded + payment.amount_charged_back >= payment.amount,
    }, actor, source="payments")


def dispute_opened(dispute: Dispute) -> None:
    emit("payment.dispute_opened", {
        **_ids(dispute.payment), "dispute_id": pseudonym("dispute", dispute.pk), "amount_minor": dispute.amount,
        "currency": dispute.currency, "reason_code": dispute.reason or None,
    }, None, source="payments")


def dispute_closed(dispute: Dispute) -> None:
    emit("payment.dispute_closed", {
        **_ids(dispute.payment), "dispute_id": pseudonym("dispute", dispute.pk), "amount_minor": dispute.amount,
        "currency": dispute.currency, "outcome": dispute.status,
    }, None, source="payments")


def _payout(payout: Payout) -> dict[str, Any]:
    return {"payout_id": pseudonym("payout", payout.pk), "creator_id": pseudonym("user", payout.creator_id),
            "amount_minor": payout.amount, "currency": payout.currency, "attempt": payout.attempt}


def payout_paid(payout: Payout) -> None:
    emit("payout.paid", _payout(payout), None, source="payments")


def payout_failed(payout: Payout) -> None:
    emit("payout.failed", {**_payout(payout), "failure_code": payout.failure_code or None}, None, source="payments")

"""Refunds people ask for. A fan asks on one of their payments with a reason; the creator refunds in full or
in part within the policy's limits (REFUND_CREATOR_MAX_DAYS since the payment, REFUND_CREATOR_MAX_MINOR), or
declines, or escalates to Trust & Safety; staff with ``payments.refund_payment`` decide any request in the admin.

The money moves through services.refunds (idempotent, provider-adapter based): the refund's key is built from
the request, so a decision retried after a lost provider answer re-drives the same refund and never a second.
The provider is called outside any transaction; the request's state is decided under its row lock before and
recorded after (a decision on a request that is no longer open is INVALID_TRANSITION)."""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from common.errors import (
    InvalidTransition,
    NotFoundError,
    PermissionDeniedError,
    RefundNotAllowed,
    RefundOverCreatorLimit,
    RefundRequestNotAllowed,
    ValidationFailed,
)
from governance.services import audit
from payments import hooks
from payments.models import Payment, PaymentStatus, Refund, RefundRequest
from payments.models.refund_requests import OPEN_STATES, REFUND_REQUEST_TRANSITIONS, RefundRequestReason
from payments.money import Money
from payments.services import provider_outcomes, refunds
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

RR = RefundRequest.Status
CREATOR, STAFF = "creator", "staff"


@dataclass(frozen=True)
class Decision:
    action: str                # "refund" | "decline" | "escalate"
    amount: Money | None = None  # refund only: None = everything still refundable (capped by the request)
    note: str = ""


def _event(row: RefundRequest, name: str, actor: Any, **extra: Any) -> None:
    emit(f"refund_request.{name}", {
        "refund_request_id": pseudonym("refund_request", row.pk), "payment_id": pseudonym("payment", row.payment_id),
        "fan_id": pseudonym("user", row.fan_id), "creator_id": pseudonym("user", row.creator_id),
        "reason_code": row.reason, "status": row.status, "currency": row.currency, **extra,
    }, actor, source="payments")


def _tell(row: RefundRequest, amount_minor: int | None) -> None:
    """Products notify the fan and the creator once the change is committed."""
    amount = Money(amount_minor, row.currency) if amount_minor else None
    args = (row.fan, row.creator, str(row.public_id), row.status, amount)
    transaction.on_commit(lambda: hooks.notify(hooks.REFUND_REQUEST_CHANGED, *args), robust=True)


def _refuse_if_refunding(row: RefundRequest, target: str) -> None:
    if row.refund_started_at is not None:
        raise InvalidTransition("A refund is already being made for this request.",
                                details={"machine": "refund_request", "from": row.status, "to": target})


def request_refund(fan: Any, payment_public_id: str, *, reason: str, message: str = "",
                   amount: Money | None = None) -> RefundRequest:
    """The fan asks for a refund of one of their own payments (all of what is refundable, or ``amount``).
    A repeat while one is open returns that one (a double click is not a second request)."""
    if reason not in RefundRequestReason.values:
        raise ValidationFailed(details={"reason": [f"one of {sorted(RefundRequestReason.values)}"]})
    if len(message) > 1000:
        raise ValidationFailed(details={"message": ["at most 1000 characters"]})
    with transaction.atomic():
        payment = (Payment.objects.select_for_update().filter(public_id=payment_public_id, fan=fan).first()
                   if _uuid_like(payment_public_id) else None)
        if payment is None:
            raise NotFoundError("No such purchase.")
        if amount is not None and (amount.currency != payment.currency or amount.minor <= 0):
            raise ValidationFailed(details={"amount": ["a positive amount in the payment's currency"]})
        open_row = payment.refund_requests.filter(status__in=OPEN_STATES).first()
        if open_row is not None:
            return open_row
        if payment.status != PaymentStatus.SUCCEEDED or not payment.posted or payment.refundable.minor <= 0:
            raise RefundRequestNotAllowed("Nothing on this purchase can be refunded.",
                                          details={"status": payment.status})
        if payment.disputes.filter(status="open").exists():
            raise RefundRequestNotAllowed("This payment is disputed with your bank; the dispute decides it.")
        paid_at = payment.succeeded_at or payment.created_at
        if timezone.now() - paid_at > timedelta(days=settings.REFUND_REQUEST_WINDOW_DAYS):
            raise RefundRequestNotAllowed(
                f"Refunds can be requested within {settings.REFUND_REQUEST_WINDOW_DAYS} days of paying.",
                details={"window_days": settings.REFUND_REQUEST_WINDOW_DAYS})
        if amount is not None and amount.minor > payment.refundable.minor:
            raise ValidationFailed(details={"amount": [f"at most {payment.refundable}"]})
        try:
            with transaction.atomic():
                row = RefundRequest.objects.create(
                    payment=payment, fan=fan, creator_id=payment.creator_id, reason=reason, message=message.strip(),
                    amount_requested=amount.minor if amount is not None else None, currency=payment.currency)
        except IntegrityError:  # a concurrent request won the one-open-per-payment constraint
            return payment.refund_requests.get(status__in=OPEN_STATES)
        audit.record(actor=fan, action="payments.refund_request_created", obj=row,
                     details={"payment": str(payment.public_id), "reason_code": reason,
                              "amount": row.amount_requested})
        _event(row, "created", fan, amount_minor=row.amount_requested or payment.refundable.minor)
        _tell(row, row.amount_requested or payment.refundable.minor)
    return row


def _uuid_like(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def withdraw(fan: Any, request_public_id: str) -> RefundRequest:
    with transaction.atomic():
        row = _locked_for(request_public_id, fan=fan)
        _refuse_if_refunding(row, RR.WITHDRAWN)
        REFUND_REQUEST_TRANSITIONS.move(row, RR.WITHDRAWN)
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "decided_at"])
        audit.record(actor=fan, action="payments.refund_request_withdrawn", obj=row)
        _event(row, "decided", fan, decided_as="fan", amount_minor=0)
        _tell(row, None)
    return row


def _locked_for(request_public_id: str, *, fan: Any = None, creator: Any = None) -> RefundRequest:
    if not _uuid_like(request_public_id):
        raise NotFoundError("No such refund request.")
    qs = RefundRequest.objects.select_for_update().filter(public_id=request_public_id)
    if fan is not None:
        qs = qs.filter(fan=fan)
    if creator is not None:
        qs = qs.filter(creator=creator)
    row = qs.select_related("payment").first()
    if row is None:
        raise NotFoundError("No such refund request.")
    return row


def creator_limits_allow(row: RefundRequest, value: int) -> bool:
    paid_at = row.payment.succeeded_at or row.payment.created_at
    return (timezone.now() - paid_at <= timedelta(days=settings.REFUND_CREATOR_MAX_DAYS)
            and value <= settings.REFUND_CREATOR_MAX_MINOR)


def creator_decide(creator: Any, request_public_id: str, decision: Decision) -> RefundRequest:
    """The creator decides a request made to them: refund (within the policy), decline or escalate."""
    if getattr(creator, "role", None) != "creator":
        raise PermissionDeniedError("Only the creator who was paid decides this request.")
    return _decide(request_public_id, decision, actor=creator, as_=CREATOR, creator=creator)


def staff_decide(staff: Any, request_public_id: str, decision: Decision) -> RefundRequest:
    """Trust & Safety / Finance decide any open request (no creator limits); needs payments.refund_payment."""
    if not (getattr(staff, "is_staff", False) and staff.has_perm("payments.refund_payment")):
        raise PermissionDeniedError("Refund decisions need the refund permission.")
    if decision.action == "escalate":
        raise ValidationFailed(details={"action": ["staff refund or decline"]})
    return _decide(request_public_id, decision, actor=staff, as_=STAFF)


def _decide(request_public_id: str, decision: Decision, *, actor: Any, as_: str,
            creator: Any = None) -> RefundRequest:
    if decision.action not in ("refund", "decline", "escalate"):
        raise ValidationFailed(details={"action": ["refund, decline or escalate"]})
    # 1. Decide under the row lock, before any provider call.
    with transaction.atomic():
        row = _locked_for(request_public_id, creator=creator)
        if as_ == CREATOR and row.status == RR.ESCALATED:
            raise PermissionDeniedError("Trust & Safety decides an escalated request.")
        if decision.action in ("decline", "escalate"):
            target = RR.DECLINED if decision.action == "decline" else RR.ESCALATED
            _refuse_if_refunding(row, target)
            REFUND_REQUEST_TRANSITIONS.move(row, target)
            row.decided_by = actor if getattr(actor, "pk", None) else None
            row.decided_as = as_
            row.decision_note = decision.note[:300]
            row.decided_at = timezone.now() if target == RR.DECLINED else None
            row.save(update_fields=["status", "decided_by", "decided_as", "decision_note", "decided_at"])
            audit.record(actor=actor, action=f"payments.refund_request_{target}", obj=row, reason=decision.note,
                         details={"as": as_})
            _event(row, "decided", actor, decided_as=as_, amount_minor=0)
            _tell(row, None)
            return row
        REFUND_REQUEST_TRANSITIONS.check(row.status, RR.REFUNDED)
        payment = row.payment
        key, earlier = _attempt(row)
        # A decision whose provider answer was lost: the refund (its amount reserved) is asked again, as it was.
        value = earlier.amount if earlier is not None else _checked_value(row, payment, decision, as_)
        if row.refund_started_at is None:
            # Committed before the provider call: a decline racing this refund now waits for the lock and
            # is refused, instead of ending "declined" over money already sent back.
            row.refund_started_at = timezone.now()
            row.save(update_fields=["refund_started_at"])
    # 2. The money, outside any transaction, keyed by the request: a retry re-drives the same refund.
    try:
        refund = refunds.refund(payment, Money(value, payment.currency), "requested_by_customer", actor=actor,
                                idempotency_key=key, note=decision.note)
    except Exception as exc:
        if provider_outcomes.refused(exc):
            # The provider said no and nothing moved: the request may be declined or escalated again.
            RefundRequest.objects.filter(pk=row.pk, refund_id__isnull=True).update(refund_started_at=None)
        raise
    # 3. Record the outcome.
    return _record(request_public_id, refund, decision, actor=actor, as_=as_)


def _attempt(row: RefundRequest) -> tuple[str, Refund | None]:
    """The idempotency key for this decision's refund, and the earlier refund it re-drives. A refund whose
    answer was lost (created, pending, or done but not yet recorded) is asked again with its own key; after
    one the provider refused, a new decision is a new attempt with a fresh key, never the failed refund."""
    base = f"refund-request:{row.public_id}"
    attempts = list(Refund.objects.filter(Q(idempotency_key=base) | Q(idempotency_key__startswith=f"{base}:"))
                    .order_by("-pk"))
    if not attempts:
        return base, None
    if attempts[0].status == Refund.Status.FAILED:
        return f"{base}:{len(attempts) + 1}", None
    return attempts[0].idempotency_key, attempts[0]


def _checked_value(row: RefundRequest, payment: Payment, decision: Decision, as_: str) -> int:
    """The amount to refund, within what is refundable and (for the creator) the policy's limits."""
    refundable = payment.refundable.minor
    if decision.amount is not None and decision.amount.currency != payment.currency:
        raise ValidationFailed(details={"amount": [f"in {payment.currency}"]})
    value = decision.amount.minor if decision.amount is not None else min(
        refundable, row.amount_requested or refundable)
    if value <= 0:
        raise ValidationFailed(details={"amount": ["more than zero"]})
    if value > refundable:
        raise ValidationFailed(details={"amount": [f"at most {payment.refundable}"]})
    if as_ == CREATOR and not creator_limits_allow(row, value):
        raise RefundOverCreatorLimit(details={
            "max_days": settings.REFUND_CREATOR_MAX_DAYS,
            "max_amount": str(Money(settings.REFUND_CREATOR_MAX_MINOR, payment.currency))})
    return value


def _record(request_public_id: str, refund: Refund, decision: Decision, *, actor: Any, as_: str) -> RefundRequest:
    if refund.status == Refund.Status.FAILED:  # never recorded as money sent back; the request stays open
        RefundRequest.objects.filter(public_id=request_public_id, refund_id__isnull=True).update(
            refund_started_at=None)
        raise RefundNotAllowed("The payment provider refused this refund.",
                               details={"refund_id": str(refund.public_id)})
    with transaction.atomic():
        row = _locked_for(request_public_id)
        if row.refund_id == refund.pk and row.status not in OPEN_STATES:
            return row  # a concurrent identical decision recorded it
        payment = Payment.objects.get(pk=row.payment_id)
        target = RR.REFUNDED if payment.refundable.minor == 0 else RR.PARTIALLY_REFUNDED
        REFUND_REQUEST_TRANSITIONS.move(row, target)
        row.refund = refund
        row.amount_refunded = refund.amount
        row.decided_by = actor if getattr(actor, "pk", None) else None
        row.decided_as = as_
        row.decision_note = decision.note[:300]
        row.decided_at = timezone.now()
        row.save(update_fields=["status", "refund", "amount_refunded", "decided_by", "decided_as", "decision_note",
                                "decided_at"])
        audit.record(actor=actor, action="payments.refund_request_refunded", obj=row, reason=decision.note,
                     details={"as": as_, "refund": str(refund.public_id), "amount": refund.amount})
        _event(row, "decided", actor, decided_as=as_, amount_minor=refund.amount)
        _tell(row, refund.amount)
    return row


def for_fan(fan: Any) -> dict[int, RefundRequest]:
    """The fan's latest refund request per payment id (for their purchases page)."""
    latest: dict[int, RefundRequest] = {}
    for row in RefundRequest.objects.filter(fan=fan).order_by("created_at"):
        latest[row.payment_id] = row
    return latest


def for_creator(creator: Any, *, open_only: bool = False) -> list[RefundRequest]:
    qs = RefundRequest.objects.filter(creator=creator).select_related("payment", "fan").order_by("-created_at")
    if open_only:
        qs = qs.filter(status__in=OPEN_STATES)
    return list(qs[:200])

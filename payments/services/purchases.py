"""The purchase abstraction products call. Products never touch a provider or the ledger.

Every operation follows the write-ahead pattern: record locally (committed), call the provider with
an idempotency key built from the local id and the operation, then apply the provider's answer
under a row lock. The same `apply_result` is used for the synchronous answer, webhooks and the
reconcile command, so whichever arrives first does the work and the others are no-ops.

Do not call these inside an open transaction: the provider call must not hold database locks,
and the write-ahead row must be committed before the provider sees the request.
"""

import hashlib
import json
import logging
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import (
    AccountInactive,
    InvalidTransition,
    NotFoundError,
    SelfPayment,
    ValidationFailed,
)
from governance.services import audit
from payments import hooks, request_country
from payments.errors import (
    IdempotencyConflict,
    IdempotencyInProgress,
    InvalidAmount,
    PaymentDeclined,
    ProviderUnavailable,
)
from payments.models import EscrowState, Payment, PaymentStatus, Refund, SaleRecord
from payments.models.payments import ESCROW_TRANSITIONS, FINAL_STATUSES, PAYMENT_TRANSITIONS
from payments.money import Money
from payments.providers import registry
from payments.providers.base import PaymentMethodDetails, PaymentRequest, PaymentResult, RecurringTerms
from payments.services import disputes, events, ledger, provider_outcomes, receipts, refunds, saved_methods
from payments.services.guards import refuse_open_transaction
from payments.services.refunds import REFUND_REASONS, refund
from payments.tax.engine import LineItem, TaxQuote, get_engine
from payments.tax.location import TaxEvidence, resolve

logger = logging.getLogger("fansub.payments")

PURPOSE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class ChargeOutcome:
    payment: Payment
    replayed: bool = False

    @property
    def status(self) -> str:
        return self.payment.status

    @property
    def succeeded(self) -> bool:
        return self.payment.status == PaymentStatus.SUCCEEDED

    @property
    def authorized(self) -> bool:
        return self.payment.status == PaymentStatus.REQUIRES_CAPTURE

    @property
    def client_action(self) -> dict[str, Any] | None:
        return self.payment.client_action if self.payment.status == PaymentStatus.REQUIRES_ACTION else None

    @property
    def receipt(self) -> Any:
        return self.payment.receipts.filter(kind="receipt").first()

    def raise_for_status(self) -> "ChargeOutcome":
        if self.payment.status in {PaymentStatus.FAILED, PaymentStatus.CANCELED}:
            raise PaymentDeclined(self.payment.failure_message or None, details={
                "payment_id": str(self.payment.public_id), "decline_code": self.payment.decline_code})
        return self


@dataclass(frozen=True)
class Recurring:
    """A subscription the processor rebills itself (only providers with ``bills_renewals`` act on it):
    ``amount`` is the displayed price of each later period (taxed like the first charge)."""

    amount: Money
    period_days: int
    initial_period_days: int
    num_rebills: int = 99


# --- charge ---------------------------------------------------------------------------------
def _request_hash(**parts: Any) -> str:
    canonical = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _method_label(payment_method: str, details: Any) -> str:
    last4 = getattr(details, "last4", None) if details else None
    if last4:
        return f"{getattr(details, 'brand', None) or 'card'} •••• {last4}"
    return "" if payment_method.isdigit() else payment_method[:40]


def _replay(existing: Payment, request_hash: str, payment_method: str) -> ChargeOutcome:
    if existing.request_hash != request_hash:
        raise IdempotencyConflict(details={"payment_id": str(existing.public_id)})
    deadline = time.monotonic() + settings.PAYMENTS_IDEMPOTENCY_WAIT_SECONDS
    # The first call is between its write-ahead commit and the provider's answer: wait for it.
    while existing.status == PaymentStatus.CREATED and time.monotonic() < deadline:
        time.sleep(0.02)
        existing.refresh_from_db()
    if existing.status == PaymentStatus.CREATED:
        # Still no answer: the first call lost it (timeout, crash). Ask again with the SAME provider
        # idempotency key — the provider returns its first result instead of charging twice.
        _call_provider(existing, payment_method)
        existing.refresh_from_db()
        if existing.status == PaymentStatus.CREATED:
            raise IdempotencyInProgress(details={"payment_id": str(existing.public_id)})
    return ChargeOutcome(existing, replayed=True)


def _call_provider(payment: Payment, payment_method: str) -> Payment:
    customer_ref = None
    if saved_methods.is_token(payment_method):
        # Resolved on every call (a replay too): a card removed since is refused, never charged.
        saved = saved_methods.resolve(payment.fan_id, payment.provider, payment_method)
        payment_method, customer_ref = saved.provider_method_id, saved.customer_ref
    request = PaymentRequest(
        local_payment_id=str(payment.public_id), amount=payment.money("amount"),
        idempotency_key=f"payment:{payment.public_id}", payment_method=payment_method, capture=payment.capture,
        customer_ref=customer_ref,
        # Separate charges and transfers: the platform charges the whole amount (no destination, no
        # application fee); the ledger splits it and the payout run transfers the creator's share.
        metadata={"purpose": payment.purpose, "reference": payment.reference, "payment": str(payment.public_id)},
        recurring=_recurring_terms(payment),
    )
    try:
        result = registry.get(payment.provider).create_payment(request)
    except Exception as exc:
        # The row stays "created"; a retry (when the error is retryable) or payments_reconcile re-drives it
        # with the same key. The provider's error keeps its meaning; anything else is an unknown outcome.
        logger.warning("provider %s failed for payment %s: %s", payment.provider, payment.public_id, exc)
        raise provider_outcomes.as_domain_error(exc, payment_id=str(payment.public_id)) from exc
    return apply_result(payment.pk, result)


def _recurring_terms(payment: Payment) -> RecurringTerms | None:
    terms = payment.recurring
    if not terms:
        return None
    return RecurringTerms(amount=Money(terms["amount"], payment.currency), period_days=terms["period_days"],
                          initial_period_days=terms["initial_period_days"], num_rebills=terms["num_rebills"])


def _recurring_record(recurring: Recurring, evidence: TaxEvidence, description: str) -> dict[str, Any]:
    """The later periods priced now, at the same tax location as the first charge (what each rebill posts)."""
    if recurring.amount.minor <= 0 or not 1 <= recurring.period_days <= 365 \
            or not 1 <= recurring.initial_period_days <= 365 or not 0 <= recurring.num_rebills <= 99:
        raise InvalidAmount(details={"recurring": "a positive price and periods of 1 to 365 days"})
    later = quote(recurring.amount, evidence, description=description)
    fee = later.net.multiply(Decimal(settings.PLATFORM_FEE_PERCENT) / 100)
    return {"amount": later.total.minor, "net": later.net.minor, "tax": later.tax.minor, "platform_fee": fee.minor,
            "creator_amount": (later.net - fee).minor, "tax_lines": [t.as_dict() for t in later.tax_lines()],
            "lines": [{"description": line.description, "quantity": line.quantity, "net": line.net.minor,
                       "tax": line.tax.minor, "total": line.total.minor} for line in later.lines],
            "period_days": recurring.period_days, "initial_period_days": recurring.initial_period_days,
            "num_rebills": recurring.num_rebills}


def _validate(fan: Any, creator: Any, amount: Money, purpose: str, reference: str, idempotency_key: str) -> None:
    if not isinstance(amount, Money) or amount.minor <= 0:
        raise InvalidAmount(details={"amount": "a positive Money is required"})
    if not PURPOSE_PATTERN.match(purpose or ""):
        raise ValidationFailed(details={"purpose": ["lowercase letters, digits and _, up to 40"]})
    if not reference or len(reference) > 100:
        raise ValidationFailed(details={"reference": ["1 to 100 characters"]})
    if not idempotency_key or len(idempotency_key) > 100:
        raise ValidationFailed(details={"idempotency_key": ["1 to 100 characters"]})
    if not getattr(fan, "pk", None) or not getattr(creator, "pk", None):
        raise ValidationFailed(details={"fan": ["a saved user is required"]})
    if fan.pk == creator.pk:
        raise SelfPayment("You cannot pay yourself.")
    if not fan.is_active or not creator.is_active:
        raise AccountInactive("This account cannot take part in payments.")


def quote(amount: Money, evidence: TaxEvidence, *, description: str = "",
          lines: list[LineItem] | None = None) -> TaxQuote:
    """What the fan will pay, for showing before the charge (raises TAX_LOCATION_* like charge does)."""
    location = resolve(evidence)
    return get_engine().quote(lines or [LineItem(description or "Purchase", amount)], location,
                              prices_include_tax=settings.TAX_PRICES_INCLUDE_TAX, on=timezone.now().date())


def charge(fan: Any, creator: Any, amount: Money, purpose: str, reference: str, idempotency_key: str,
           payment_method: str, capture: bool = True, *, escrow: bool = False,
           tax_evidence: TaxEvidence | None = None, description: str = "", content_category: str | None = None,
           lines: list[LineItem] | None = None, recurring: Recurring | None = None) -> ChargeOutcome:
    """Charge ``fan`` for something of ``creator``'s, known by (purpose, reference).

    ``amount`` is the displayed price (tax-exclusive unless TAX_PRICES_INCLUDE_TAX). ``escrow``
    captures into escrow (see release_escrow / refund). ``capture=False`` only authorizes
    (see capture / void). The same ``idempotency_key`` for the same fan and request returns the
    first outcome; with a different request it raises IDEMPOTENCY_CONFLICT. ``recurring`` asks a provider
    that bills renewals itself (CCBill) to rebill on its own schedule; other providers ignore it.
    """
    refuse_open_transaction("charge")
    _validate(fan, creator, amount, purpose, reference, idempotency_key)
    if escrow and not capture:
        raise ValidationFailed(details={"escrow": ["escrow charges are captured at once"]})
    if lines and (any(li.amount.currency != amount.currency for li in lines)
                  or sum(li.amount.minor * li.quantity for li in lines) != amount.minor):
        raise InvalidAmount(details={"lines": "the lines must add up to the amount, in its currency"})
    evidence = (tax_evidence or TaxEvidence()).normalised()
    request_hash = _request_hash(
        fan=fan.pk, creator=creator.pk, amount=amount.minor, currency=amount.currency, purpose=purpose,
        reference=reference, method=hashlib.sha256(payment_method.encode()).hexdigest(), capture=capture,
        escrow=escrow, evidence=evidence.as_record(), description=description,
        lines=[(li.description, li.amount.minor, li.amount.currency, li.quantity) for li in lines or []],
        recurring=[recurring.amount.minor, recurring.amount.currency, recurring.period_days,
                   recurring.initial_period_days, recurring.num_rebills] if recurring else None,
    )
    if not evidence.ip_country and request_country.current():
        # The trusted proxy's country of this request (PAYMENTS_COUNTRY_HEADER), on every charge path;
        # after the request hash: a replay from another network is the same request.
        evidence = TaxEvidence(**{**evidence.as_record(), "ip_country": request_country.current()})
    # No look-up first: the unique (fan, idempotency_key) constraint on the write-ahead insert below is
    # the check, and it is the only one that also holds between concurrent calls.
    provider_name = registry.provider_name_for(creator, content_category)
    provider = registry.get(provider_name)
    if saved_methods.is_token(payment_method):
        card = saved_methods.resolve(fan.pk, provider_name, payment_method).method  # the fan's own, this provider's
        method: Any = PaymentMethodDetails(brand=card.brand, last4=card.last4, country=card.country or None)
    else:
        details_of = getattr(provider, "payment_method_details", None)
        method = details_of(payment_method) if details_of else None
    if method and method.country and not evidence.card_country:
        evidence = TaxEvidence(**{**evidence.as_record(), "card_country": method.country})
    tax_quote = quote(amount, evidence, description=description or purpose, lines=lines)
    fee = tax_quote.net.multiply(Decimal(settings.PLATFORM_FEE_PERCENT) / 100)
    rebilled = None
    if recurring is not None and registry.capability(provider_name, "bills_renewals"):
        if recurring.amount.currency != amount.currency:
            raise InvalidAmount(details={"recurring": "the later periods must be priced in the same currency"})
        rebilled = _recurring_record(recurring, evidence, description or purpose)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                fan=fan, creator=creator, purpose=purpose, reference=reference, description=description[:120],
                idempotency_key=idempotency_key, request_hash=request_hash, currency=amount.currency,
                amount=tax_quote.total.minor, net_amount=tax_quote.net.minor, tax_amount=tax_quote.tax.minor,
                platform_fee=fee.minor, creator_amount=(tax_quote.net - fee).minor,
                prices_include_tax=tax_quote.prices_include_tax, tax_country=tax_quote.location.country,
                tax_region=tax_quote.location.region, tax_lines=[t.as_dict() for t in tax_quote.tax_lines()],
                lines=[{"description": line.description, "quantity": line.quantity, "net": line.net.minor,
                        "tax": line.tax.minor, "total": line.total.minor} for line in tax_quote.lines],
                provider=provider_name, payment_method_label=_method_label(payment_method, method),
                capture=capture, escrow=EscrowState.HELD if escrow else EscrowState.NONE,
                tax_evidence=evidence.as_record(), tax_engine=tax_quote.engine, recurring=rebilled or {},
            )
    except IntegrityError:
        existing = Payment.objects.filter(fan=fan, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replay(existing, request_hash, payment_method)
    return ChargeOutcome(_call_provider(payment, payment_method))


# --- applying a provider's answer -----------------------------------------------------------
_LOCK_SQL = ("SELECT p.*, f.handle AS fan_handle, c.handle AS creator_handle FROM payments_payment p "
             "JOIN {users} f ON f.id = p.fan_id JOIN {users} c ON c.id = p.creator_id WHERE p.id = %s{for_update}")


def lock_payment(payment_id: int) -> Payment:
    """The payment row, locked for the rest of the transaction, with both parties' handles.

    Raw SQL because this runs for every charge and the ORM's select_related query building cost
    more than the rest of the capture together (see bench/charges.py)."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    sql = _LOCK_SQL.format(users=get_user_model()._meta.db_table,
                           for_update=" FOR UPDATE OF p" if connection.features.has_select_for_update else "")
    rows = list(Payment.objects.raw(sql, [payment_id]))
    if not rows:
        raise Payment.DoesNotExist(payment_id)
    return rows[0]


_APPLY_FIELDS = ["provider_payment_id", "provider_charge_id",
                 "status", "client_action", "card_country", "decline_code", "failure_message",
                 "escrow", "processor_fee", "posted", "succeeded_at", "updated_at"]


def apply_result(payment_id: int, result: PaymentResult, *, actor: Any = None) -> Payment:
    """Bring the local payment to the provider's state. Idempotent; safe from any path."""
    with transaction.atomic():
        payment = lock_payment(payment_id)
        if payment.provider_payment_id and payment.provider_payment_id != result.provider_payment_id:
            raise ValidationFailed("provider answered for another payment",
                                   details={"payment_id": str(payment.public_id)})
        before = (payment.provider_payment_id, payment.provider_charge_id, payment.status, payment.posted)
        payment.provider_payment_id = payment.provider_payment_id or result.provider_payment_id
        payment.provider_charge_id = payment.provider_charge_id or (result.charge_id or "")[:100]
        target = result.status
        late_success = payment.status == PaymentStatus.FAILED and target == PaymentStatus.SUCCEEDED
        if late_success:
            # The fan tried again after a declined attempt (CCBill's hosted form, a PaymentIntent confirmed
            # anew) and was charged: money taken is always recorded; products hear settled(True) and
            # refund what they can no longer fulfil.
            logger.warning("payment %s succeeded at %s after a failed attempt", payment.public_id, payment.provider)
            payment.status, payment.decline_code, payment.failure_message = PaymentStatus.PROCESSING, "", ""
        if target != payment.status and payment.status in FINAL_STATUSES:
            # A stale event is normal (webhooks arrive out of order); a real disagreement needs a human.
            logger.warning("payment %s is %s locally but %s at %s", payment.public_id, payment.status, target,
                           payment.provider)
        if target != payment.status and payment.status not in FINAL_STATUSES:
            PAYMENT_TRANSITIONS.move(payment, target)
            payment.client_action = result.client_action
            if result.card_country:
                payment.card_country = result.card_country
            if target == PaymentStatus.FAILED:
                payment.decline_code = (result.decline_code or "")[:60]
                payment.failure_message = (result.failure_message or "")[:200]
                events.charge_failed(payment, actor)
            if target in {PaymentStatus.CANCELED, PaymentStatus.FAILED} and payment.escrow == EscrowState.HELD:
                ESCROW_TRANSITIONS.move(payment, EscrowState.NONE, field="escrow")
            if target in FINAL_STATUSES:
                settled = (payment.purpose, payment.reference, str(payment.public_id),
                           target == PaymentStatus.SUCCEEDED)
                transaction.on_commit(lambda: hooks.notify(hooks.PAYMENT_SETTLED, *settled))
        if payment.status == PaymentStatus.SUCCEEDED and not payment.posted:
            _post_capture(payment, result)
        if (payment.provider_payment_id, payment.provider_charge_id, payment.status, payment.posted) != before:
            payment.save(update_fields=_APPLY_FIELDS)
    return payment


def _post_capture(payment: Payment, result: PaymentResult) -> None:
    currency = payment.currency
    gross = payment.money("amount")
    legs = [ledger.debit(ledger.clearing(currency), gross)]
    for line in payment.tax_lines:
        legs.append(ledger.credit(ledger.tax_payable(line["jurisdiction"], currency), Money(line["amount"], currency)))
    if payment.escrow == EscrowState.HELD:
        legs.append(ledger.credit(ledger.escrow(payment.creator_id, currency), payment.money("net_amount")))
    else:
        legs.append(ledger.credit(ledger.platform_revenue(currency), payment.money("platform_fee")))
        legs.append(ledger.credit(ledger.creator_pending(payment.creator_id, currency),
                                  payment.money("creator_amount")))
    fee = result.processor_fee
    if fee and fee.currency == currency and fee.minor > 0:
        payment.processor_fee = fee.minor
        legs += [ledger.debit(ledger.processor_fees(currency), fee), ledger.credit(ledger.clearing(currency), fee)]
    ledger.post("charge", legs, memo=f"{payment.purpose} {payment.reference}", source_type="payment",
                source_id=str(payment.pk))
    # The sale, for the tax authority, exists once the money is captured (not for a declined attempt).
    SaleRecord.objects.create(
        payment=payment, buyer_id=payment.fan_id, country=payment.tax_country, region=payment.tax_region,
        evidence=payment.tax_evidence, currency=currency, net_amount=payment.net_amount,
        tax_amount=payment.tax_amount, tax_lines=payment.tax_lines, engine=payment.tax_engine,
    )
    payment.posted = True
    payment.succeeded_at = timezone.now()
    receipts.issue_receipt(payment, payment.lines)
    events.charge_succeeded(payment)


def refresh_from_provider(payment: Payment) -> Payment:
    """Re-fetch the provider's view and apply it (webhooks, reconcile, 3-D Secure return)."""
    if not payment.provider_payment_id:
        return payment
    result = registry.get(payment.provider).retrieve_payment(payment.provider_payment_id)
    payment = apply_result(payment.pk, result)

    refunds.sync_from_provider(payment, result)
    disputes.sync_from_provider(payment, result)
    return Payment.objects.get(pk=payment.pk)


# --- authorizations -------------------------------------------------------------------------
def _locked(payment: Payment) -> Payment:
    return Payment.objects.select_for_update(of=("self",)).select_related("fan", "creator").get(pk=payment.pk)


def capture(payment: Payment, *, actor: Any = None) -> Payment:
    """Capture a held authorization (full amount)."""
    refuse_open_transaction("capture")
    payment.refresh_from_db()
    if payment.status != PaymentStatus.REQUIRES_CAPTURE:
        raise InvalidTransition("Only an authorized, uncaptured payment can be captured.",
                                details={"machine": "payment", "from": payment.status, "to": "succeeded"})
    provider = registry.get(payment.provider)
    try:
        result = provider.capture_payment(payment.provider_payment_id, payment.money("amount"),
                                          f"capture:{payment.public_id}")
    except Exception as exc:
        raise provider_outcomes.as_domain_error(exc, payment_id=str(payment.public_id)) from exc
    payment = apply_result(payment.pk, result, actor=actor)
    audit.record(actor=actor, action="payments.capture", obj=payment)
    return payment


def void(payment: Payment, *, actor: Any = None, reason: str = "") -> Payment:
    """Release an authorization that was never captured; no money moved, so the ledger is untouched."""
    refuse_open_transaction("void")
    payment.refresh_from_db()
    PAYMENT_TRANSITIONS.check(payment.status, PaymentStatus.CANCELED)
    if payment.status == PaymentStatus.CREATED:
        raise ProviderUnavailable("The provider has not answered for this payment yet.")
    try:
        result = registry.get(payment.provider).cancel_payment(payment.provider_payment_id,
                                                               f"cancel:{payment.public_id}")
    except Exception as exc:
        raise provider_outcomes.as_domain_error(exc, payment_id=str(payment.public_id)) from exc
    payment = apply_result(payment.pk, result, actor=actor)
    audit.record(actor=actor, action="payments.void", obj=payment, reason=reason)
    return payment


# --- escrow -----------------------------------------------------------------------------------
def release_escrow(payment: Payment, *, actor: Any = None, reason: str = "") -> Payment:
    """Held funds go to the creator (pending) and the platform takes its fee."""
    with transaction.atomic():
        payment = _locked(payment)
        ESCROW_TRANSITIONS.check(payment.escrow, EscrowState.RELEASED)
        if not payment.posted:
            raise InvalidTransition("The escrow charge has not been captured yet.",
                                    details={"machine": "escrow", "from": payment.status, "to": "released"})
        currency = payment.currency
        ledger.post("escrow_release", [
            ledger.debit(ledger.escrow(payment.creator_id, currency), payment.money("net_amount")),
            ledger.credit(ledger.platform_revenue(currency), payment.money("platform_fee")),
            ledger.credit(ledger.creator_pending(payment.creator_id, currency), payment.money("creator_amount")),
        ], memo=f"release {payment.purpose} {payment.reference}", source_type="payment", source_id=str(payment.pk))
        ESCROW_TRANSITIONS.move(payment, EscrowState.RELEASED, field="escrow")
        payment.save(update_fields=["escrow", "updated_at"])
        audit.record(actor=actor, action="payments.escrow_release", obj=payment, reason=reason)
    return payment


def refund_escrow(payment: Payment, *, actor: Any = None, idempotency_key: str = "") -> Refund:
    """Held funds go back to the fan in full (a custom request declined or not delivered)."""
    payment.refresh_from_db()
    ESCROW_TRANSITIONS.check(payment.escrow, EscrowState.REFUNDED)
    if not payment.posted:
        raise InvalidTransition("The escrow charge has not been captured yet.",
                                details={"machine": "escrow", "from": payment.status, "to": "refunded"})

    return refunds.refund(payment, None, "not_delivered", actor=actor,
                          idempotency_key=idempotency_key or f"escrow-refund:{payment.public_id}")


def get_for_fan(fan: Any, public_id: str) -> Payment:
    payment = Payment.objects.filter(public_id=public_id, fan=fan).first()
    if payment is None:
        raise NotFoundError()
    return payment


# Products import everything from here: purchases.refund(...), purchases.REFUND_REASONS (re-exported).
__all__ = ["REFUND_REASONS", "ChargeOutcome", "Recurring", "apply_result", "capture", "charge", "get_for_fan", "quote",
           "refresh_from_provider", "refund", "refund_escrow", "release_escrow", "void"]

"""The only door from fansub to payments: quotes, charges, escrow and refunds.

Products never touch a provider or the ledger; they call here, and this module calls the
purchase abstraction of ``payments`` with a purpose, a generic reference and an idempotency key
built from local ids and the operation. Charges are made outside database transactions (the
provider call must not hold row locks; payments writes its own record first).

Tax location evidence: the fan's billing country/region from their profile, plus the card's
issuing country (added by payments from the payment method). When they disagree the charge is
refused with TAX_LOCATION_CONFLICT and the fan confirms their country (``confirmed_country``).

Gates (every money flow passes here, so they hold on every path): money goes only to identity-verified
creators (CREATOR_NOT_VERIFIED), and only from fans allowed to see that creator — a fan who may not view
adult material cannot pay an adult creator (AGE_VERIFICATION_REQUIRED). Both are decided before any
payment row is written or a provider is called.
"""

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from common.errors import AgeVerificationRequired, ValidationFailed
from fansub.verification.policy import can_view_adult
from fansub.verification.services.creator_verification import require_verified_creator
from governance.services import audit
from payments import creator_money as creator_money_reads
from payments import pdf as payment_pdf
from payments.models import Payment
from payments.money import Money
from payments.providers import registry
from payments.services import payouts, purchases, refund_requests, saved_methods
from payments.tax.location import TaxEvidence
from telemetry.events import emit


@dataclass(frozen=True)
class ChargeOutcome:
    status: str                       # "succeeded" | "requires_action" | "failed"
    payment_reference: str            # the payment's public id
    amount: Money
    client_action: dict[str, Any] | None = None
    decline_code: str | None = None
    message: str = ""


@dataclass(frozen=True)
class PriceQuote:
    net: Money
    tax: Money
    total: Money
    tax_rate: str
    jurisdiction: str
    prices_include_tax: bool


def evidence_for(fan: Any, *, confirmed_country: str = "", ip_country: str = "") -> Any:

    profile = getattr(fan, "fan_profile", None)
    return TaxEvidence(billing_country=getattr(profile, "country", "") or "",
                       billing_region=getattr(profile, "region", "") or "",
                       ip_country=ip_country, confirmed_country=confirmed_country,
                       confirmed_region=(getattr(profile, "region", "") or "") if confirmed_country else "")


def quote(fan: Any, creator: Any, amount: Money) -> PriceQuote:
    """The price shown before paying, at the fan's billing location (the charge re-checks with the card)."""

    country = getattr(getattr(fan, "fan_profile", None), "country", "") or ""
    q = purchases.quote(amount, evidence_for(fan, confirmed_country=country))
    lines = q.tax_lines()
    rate = " + ".join(f"{line.rate * 100:.3g}%" for line in lines) if lines else "0%"
    jurisdiction = ", ".join(sorted({line.jurisdiction for line in lines})) or q.location.country
    return PriceQuote(net=q.net, tax=q.tax, total=q.total, tax_rate=rate, jurisdiction=jurisdiction,
                      prices_include_tax=q.prices_include_tax)


def _outcome(result: Any, amount: Money) -> ChargeOutcome:
    payment = result.payment
    status = payment.status
    mapped = ("succeeded" if status in ("succeeded", "requires_capture")
              else "requires_action" if status in ("requires_action", "created", "processing") else "failed")
    return ChargeOutcome(status=mapped, payment_reference=str(payment.public_id), amount=amount,
                         client_action=result.client_action, decline_code=payment.decline_code or None,
                         message=payment.failure_message or "")


def require_may_pay(fan: Any, creator: Any) -> None:
    """The money gates: raise unless ``fan`` may pay ``creator`` now (checked again on every charge)."""

    require_verified_creator(creator)
    profile = getattr(creator, "creator_profile", None)
    if profile is not None and profile.is_adult and not can_view_adult(fan):
        raise AgeVerificationRequired("Verify your age to pay this creator.")


def check_card_number(payment_method: str) -> None:
    """A typed card number (digits, spaces, dashes) must look like one (12-19 digits, Luhn check) before
    anything else is decided: a typo gets a card error, not a message about location evidence (an unreadable
    card has no country). Saved methods and provider tokens (``pm_…``, ``ccbill``) pass through."""
    method = (payment_method or "").strip()
    if not method or any(ch.isalpha() for ch in method):
        return
    digits = method.replace(" ", "").replace("-", "")
    total = 0
    for position, char in enumerate(reversed(digits)):
        if not char.isdigit():
            total = 1
            break
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    if not 12 <= len(digits) <= 19 or total % 10:
        raise ValidationFailed("Check the card number: it is not a valid card number.",
                               details={"payment_method": ["Not a valid card number."]})


DAYS_PER_MONTH = 30  # CCBill bills periods in days


@dataclass(frozen=True)
class CardChoice:
    """What a payment form offers: the fan's saved cards for the provider this creator's sales go through,
    and whether a typed card may be saved (never for CCBill's hosted form, which keeps no cards for us)."""

    saved: list[Any]
    can_save: bool


def card_choice(fan: Any, creator: Any) -> CardChoice:
    if not getattr(fan, "is_authenticated", False):
        return CardChoice([], False)
    provider = registry.provider_name_for(creator)
    if not saved_methods.supported(provider):
        return CardChoice([], False)
    return CardChoice(saved_methods.for_fan(fan, provider), True)


def payment_method_from(fan: Any, creator: Any, data: Any) -> str:
    """The payment method a form posted: a chosen saved card (``saved_method``), or the typed card, saved first
    with the provider when the fan ticked ``save_card``. Whose card it is is checked when it is charged."""
    chosen = (data.get("saved_method") or "").strip()
    if chosen:
        return f"{saved_methods.PREFIX}{chosen}"
    typed = (data.get("payment_method") or "").strip()
    if data.get("save_card") and typed:
        check_card_number(typed)
        return saved_methods.save(fan, registry.provider_name_for(creator), typed).token
    return typed


def saved_cards(fan: Any) -> list[Any]:
    """The fan's saved cards, every provider (account settings)."""
    return saved_methods.for_fan(fan)


def remove_saved_card(fan: Any, public_id: str) -> None:
    saved_methods.remove(fan, public_id)


def charge(*, fan: Any, creator: Any, amount: Money, purpose: str, reference: str, idempotency_key: str,
           payment_method: str, confirmed_country: str = "", renews_at: Money | None = None,
           period_months: int = 1) -> ChargeOutcome:
    """``renews_at``: the price of each later period of a subscription. A provider that bills renewals itself
    (CCBill's recurring FlexForm) is asked to rebill it every ``period_months``; others ignore it."""

    require_may_pay(fan, creator)
    check_card_number(payment_method)

    recurring = None
    if renews_at is not None:
        days = DAYS_PER_MONTH * period_months
        recurring = purchases.Recurring(amount=renews_at, period_days=days, initial_period_days=days)
    result = purchases.charge(fan, creator, amount, purpose, reference, idempotency_key, payment_method,
                              tax_evidence=evidence_for(fan, confirmed_country=confirmed_country),
                              recurring=recurring)
    return _outcome(result, amount)


def hold(*, fan: Any, creator: Any, amount: Money, reference: str, idempotency_key: str,
         payment_method: str) -> ChargeOutcome:
    """Charge the fan into escrow (custom requests): the creator's balance does not move yet."""

    require_may_pay(fan, creator)
    check_card_number(payment_method)

    result = purchases.charge(fan, creator, amount, "custom_request", reference, idempotency_key, payment_method,
                              escrow=True, tax_evidence=evidence_for(fan))
    return _outcome(result, amount)


def charge_recorded(purpose: str, reference: str) -> bool:
    """Whether payments holds a charge for (purpose, reference): a product deletes its pending row after a
    refusal only when no payment was written ahead (else a retry must re-drive that one)."""

    return Payment.objects.filter(purpose=purpose, reference=reference).exists()


def ended_attempts(fan: Any, purpose: str, reference: str) -> int:
    """How many of the fan's payments for (purpose, reference) ended without leaving the fan charged
    (failed, canceled, refunded or charged back)."""
    ended = Q(status__in=["failed", "canceled"]) | Q(amount_refunded__gt=0) | Q(amount_charged_back__gt=0)
    return Payment.objects.filter(ended, fan=fan, purpose=purpose, reference=reference).count()


def _payment(payment_reference: str) -> Any:

    return Payment.objects.get(public_id=payment_reference)


def payment_succeeded(payment_reference: str) -> bool:
    """Whether ``payment_reference`` names a payment that took the fan's money (False for anything else)."""
    try:
        public_id = uuid.UUID(str(payment_reference))
    except ValueError:
        return False
    return Payment.objects.filter(public_id=public_id, status="succeeded").exists()


def payment_fan_id(payment_reference: str) -> int:
    """Who paid this payment (a product granting what a late-settled payment bought)."""
    return _payment(payment_reference).fan_id


def renewals_billed_by_provider(creator: Any) -> bool:
    """Whether the provider this creator's sales go through bills subscription renewals itself (CCBill's
    recurring billing): then renewals arrive as provider events and the platform must not charge them."""
    return bool(registry.capability(registry.provider_name_for(creator), "bills_renewals"))


def release(payment_reference: str, *, actor: Any = None) -> None:
    """Move held funds to the creator's pending earnings (less the platform fee)."""

    payment = _payment(payment_reference)
    if payment.escrow == "released":
        return  # already released: releasing is idempotent for products
    purchases.release_escrow(payment, actor=actor)


def tax_inclusive_share(payment_reference: str, net_part: Money) -> Money:
    """``net_part`` of a payment's price excluding tax, as the same share of what the fan paid (tax included)."""
    payment = _payment(payment_reference)
    if payment.net_amount <= 0 or payment.amount == payment.net_amount:
        return net_part
    minor = (net_part.minor * payment.amount * 2 + payment.net_amount) // (2 * payment.net_amount)
    return Money(min(minor, payment.amount), net_part.currency)


def refund_held(payment_reference: str, amount: Money | None, *, reason: str, actor: Any = None,
                idempotency_key: str) -> None:
    """Refund held funds, all (``amount`` None) or part; the rest stays held until released."""

    purchases.refund(_payment(payment_reference), amount, reason, actor=actor, idempotency_key=idempotency_key)


def refund_unfulfilled(payment_reference: str, *, purpose: str, reference: str, reason: str,
                       actor: Any = None) -> bool:
    """Decide-before-charging's safety net: the provider took the money but what it paid for can no
    longer be given (checkout expired, seat or promotion gone, request changed). Refund it in full, in
    the same flow, with an audit row and a ``purchase.charge_reversed`` event. Idempotent per payment
    (the refund key is built from the reference and the payment); False when nothing was left to refund.
    Call it outside any transaction (the provider is called)."""

    payment = _payment(payment_reference)
    if payment.status != "succeeded" or payment.refundable.minor == 0:
        return False
    amount = payment.refundable
    purchases.refund(payment, None, "not_delivered", actor=actor,
                     idempotency_key=f"{reference}:unfulfilled:{payment.public_id}")
    with transaction.atomic():
        audit.record(actor=actor, action="purchase.charge_reversed", obj=payment, reason=reason,
                     details={"purpose": purpose, "reference": reference, "amount_minor": amount.minor,
                              "currency": amount.currency})
        emit("purchase.charge_reversed", {"purpose": purpose, "reference": reference, "reason": reason,
                                          "amount_minor": amount.minor, "currency": amount.currency}, actor=actor)
    return True


def latest_charge(references: list[tuple[str, str]]) -> str | None:
    """The public id of the newest succeeded payment among (purpose, reference) pairs, if any."""
    if not references:
        return None
    match = Q()
    for purpose, reference in references:
        match |= Q(purpose=purpose, reference=reference)
    payment = Payment.objects.filter(match, status="succeeded").order_by("-created_at", "-pk").first()
    return payment.public_id if payment is not None else None


def refund_share(payment_reference: str, *, numerator: int, denominator: int, reason: str, actor: Any = None,
                 idempotency_key: str) -> Money | None:
    """Refund ``numerator/denominator`` of what the fan paid (tax included; half-up, capped at what is still
    refundable): a pro-rata refund for time not served. None when nothing is refunded. Outside transactions."""
    payment = _payment(payment_reference)
    if payment.status != "succeeded" or denominator <= 0 or numerator <= 0:
        return None
    minor = min((payment.amount * numerator * 2 + denominator) // (2 * denominator), payment.refundable.minor)
    if minor <= 0:
        return None
    amount = Money(minor, payment.currency)
    purchases.refund(payment, amount if minor < payment.refundable.minor else None, reason, actor=actor,
                     idempotency_key=idempotency_key)
    return amount


# --- the creator's side of the money (reads, and the payout-account onboarding link) -------------------
def creator_money(creator: Any) -> creator_money_reads.CreatorMoney:
    return creator_money_reads.creator_money(creator.pk)


def statement_csv(creator: Any, statement_id: int) -> tuple[str, str]:
    """(file name, CSV text) of one of the creator's own monthly statements; NOT_FOUND for anyone else's."""
    statement = creator_money_reads.statement_for(creator.pk, statement_id)
    return (f"statement-{statement.period:%Y-%m}-{statement.currency}.csv",
            creator_money_reads.statement_csv(statement))


def statement_view(creator: Any, statement_id: int) -> creator_money_reads.StatementView:
    """One of the creator's own monthly statements with its per-product lines; NOT_FOUND for anyone else's."""
    return creator_money_reads.statement_view(creator_money_reads.statement_for(creator.pk, statement_id))


def statement_pdf(creator: Any, statement_id: int) -> tuple[str, bytes]:
    """(file name, PDF bytes) of one of the creator's own monthly statements; NOT_FOUND for anyone else's."""
    view = statement_view(creator, statement_id)
    statement = view.statement
    return (f"statement-{statement.period:%Y-%m}-{statement.currency}.pdf",
            payment_pdf.render_statement(view, creator.handle))


def refund_requests_for_creator(creator: Any) -> list[Any]:
    """Refund requests fans made to this creator, newest first (the studio's refunds page)."""
    return refund_requests.for_creator(creator)


def decide_refund_request(creator: Any, request_id: str, *, action: str, amount: Money | None = None,
                          note: str = "") -> Any:
    """The creator refunds (in full or part, within the policy), declines or escalates a fan's request."""
    return refund_requests.creator_decide(creator, request_id, refund_requests.Decision(action, amount, note))


def refund_policy() -> dict[str, Any]:
    """What a creator may refund on their own (shown on the studio's refunds page)."""
    return {"max_days": settings.REFUND_CREATOR_MAX_DAYS,
            "max_amount": f"{settings.REFUND_CREATOR_MAX_MINOR / 100:.2f}"}


def payout_onboarding_link(creator: Any, *, refresh_url: str, return_url: str) -> str:
    """A fresh hosted onboarding link for the creator's payout account (created on first use)."""
    profile = getattr(creator, "creator_profile", None)
    return payouts.onboarding_link(creator, refresh_url=refresh_url, return_url=return_url,
                                   country=(getattr(profile, "country", "") or "US"))


# --- the creator's earnings, for the studio dashboard (reads of the captured payments the ledger posted) ----
PRODUCTS = {"subscription": "subscriptions", "subscription_renewal": "subscriptions", "tip": "tips",
            "ppv_post": "ppv", "ppv_message": "messages", "custom_request": "requests"}


@dataclass(frozen=True)
class EarningsRow:
    bucket: Any            # the start of the day, week or month (a date)
    product: str           # subscriptions | tips | ppv | messages | requests | other
    currency: str
    count: int
    gross: Money           # what fans paid, excluding tax, less what refunds and chargebacks took back
    fees: Money            # the platform's fee kept
    net: Money             # the creator's share kept (gross = fees + net)


def _earned(creator: Any, start: Any, end: Any) -> Any:
    """The creator's captured payments in [start, end) that the ledger posted as earnings: escrowed request
    payments count once released to the creator, never while held or after being refunded."""
    return (Payment.objects.filter(creator_id=creator.pk, posted=True, succeeded_at__gte=start, succeeded_at__lt=end)
            .exclude(escrow__in=["held", "refunded"]))


def creator_earnings(creator: Any, *, start: Any, end: Any, grain: str) -> list[EarningsRow]:
    """Earnings per product and day/week/month, from what fans actually paid (never a list price). One query."""
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[grain]
    rows = (_earned(creator, start, end).annotate(bucket=trunc("succeeded_at"))
            .values("bucket", "purpose", "currency")
            .annotate(n=Count("id"), fee=Sum(F("platform_fee") - F("fee_reversed")),
                      share=Sum(F("creator_amount") - F("creator_reversed")))
            .order_by("bucket", "purpose", "currency"))
    merged: dict[tuple, list[int]] = {}
    for row in rows:
        bucket = row["bucket"].date() if hasattr(row["bucket"], "date") else row["bucket"]
        key = (bucket, PRODUCTS.get(row["purpose"], "other"), row["currency"])
        acc = merged.setdefault(key, [0, 0, 0])
        acc[0] += row["n"]
        acc[1] += row["fee"] or 0
        acc[2] += row["share"] or 0
    return [EarningsRow(bucket=b, product=p, currency=c, count=n, gross=Money(fee + share, c), fees=Money(fee, c),
                        net=Money(share, c)) for (b, p, c), (n, fee, share) in sorted(merged.items())]


@dataclass(frozen=True)
class TopFan:
    fan_id: int
    handle: str
    currency: str
    payments: int
    net: Money


def creator_top_fans(creator: Any, *, start: Any, end: Any, limit: int = 10) -> list[TopFan]:
    """The fans whose payments earned the creator most in [start, end) (the creator's share). One query."""
    rows = (_earned(creator, start, end).values("fan_id", "fan__handle", "currency")
            .annotate(n=Count("id"), share=Sum(F("creator_amount") - F("creator_reversed")))
            .order_by("-share", "fan_id")[:limit])
    return [TopFan(fan_id=r["fan_id"], handle=r["fan__handle"], currency=r["currency"], payments=r["n"],
                   net=Money(r["share"] or 0, r["currency"])) for r in rows]


def creator_earnings_by_reference(creator: Any, *, purposes: tuple[str, ...], start: Any,
                                  end: Any) -> dict[str, tuple[str, int]]:
    """{reference: (currency, gross minor)} of the creator's earned payments for these purposes in [start, end):
    what fans paid excluding tax, less refunds (products map their references to tiers, posts, ...). One query."""
    rows = (_earned(creator, start, end).filter(purpose__in=purposes).values("reference", "currency")
            .annotate(gross=Sum(F("platform_fee") - F("fee_reversed") + F("creator_amount") - F("creator_reversed"))))
    return {row["reference"]: (row["currency"], row["gross"] or 0) for row in rows}
def bank_step_url(client_action: dict[str, Any] | None, *, base_url: str) -> str | None:
    """Where to send the fan for the bank's confirmation (3-D Secure), or None. A page on this site (the
    simulator's issuer page) is addressed on the host the fan is on (``base_url``, built from the request,
    whose host Django has checked against ALLOWED_HOSTS), not on SITE_URL: with another host or port the
    bank step would run without the fan's session. A real issuer's URL is left alone."""
    url = (client_action or {}).get("url")
    if not url:
        return None
    parsed, ours = urlsplit(url), urlsplit(settings.SITE_URL)
    if parsed.netloc and parsed.netloc != ours.netloc:
        return url
    base = urlsplit(base_url)
    return urlunsplit((base.scheme, base.netloc, parsed.path, parsed.query, parsed.fragment))

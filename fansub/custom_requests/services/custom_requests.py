"""Paid custom requests: submit, counter, accept (funds held in escrow), deliver, approve, dispute, resolve.

Money: the fan pays when the request is accepted, into an escrow account of the ledger — never
the creator's balance. Completion releases it to the creator's pending earnings; a missed
deadline refunds it in full; a dispute is resolved by Trust & Safety (release, refund, or part).
Beat jobs run the deadlines (``run_request_deadlines``).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from common import trust
from common.errors import (
    Blocked,
    CheckoutInProgress,
    DeadlinePassed,
    DisputeWindowClosed,
    InvalidTransition,
    NotFoundError,
    PaymentDeclined,
    PermissionDeniedError,
    RequestProhibited,
    RequestsClosed,
    RequestSlotsFull,
    ValidationFailed,
)
from fansub.accounts.models import Role, User
from fansub.accounts.services.social import is_blocked_between
from fansub.custom_requests import rules as request_rules
from fansub.custom_requests.models import (
    OPEN_STATES,
    REQUEST_TRANSITIONS,
    CustomRequest,
    CustomRequestStep,
    RequestSettings,
    RequestStatus,
    RequestType,
)
from fansub.media.models import UseKind
from fansub.media.services import links as media_links
from fansub.offers.services.tiers import creator_currency, platform_bound
from fansub.purchases.services import billing
from fansub.verification.services import performers
from fansub.verification.services.creator_verification import require_verified_creator
from governance.services import audit
from governance.services.two_factor import has_staff_powers
from payments.money import Money
from telemetry.events import emit

R = RequestStatus


def configure(creator: User, *, enabled: bool, min_prices: dict[str, int], turnaround_days: int, slots: int,
              prohibited_topics: list[str]) -> RequestSettings:
    if creator.role != Role.CREATOR:
        raise PermissionDeniedError("Only creators take custom requests.")

    if enabled:
        require_verified_creator(creator)
    errors: dict[str, list[str]] = {}
    unknown = set(min_prices) - set(RequestType.values)
    if unknown or (not min_prices and enabled):
        errors["min_prices"] = [f"Set a minimum for one or more of: {', '.join(RequestType.values)}."]
    if any((not isinstance(v, int)) or v < 100 for v in min_prices.values()):
        errors.setdefault("min_prices", []).append("Minimums are whole minor units, at least 100.")
    high = price_max(creator_currency(creator))
    if any(isinstance(v, int) and v > high.minor for v in min_prices.values()):
        errors.setdefault("min_prices", []).append(f"Minimums are at most {high}.")
    if not 1 <= turnaround_days <= 60:
        errors["turnaround_days"] = ["Between 1 and 60 days."]
    if not 1 <= slots <= 100:
        errors["slots"] = ["Between 1 and 100."]
    topics = [t.strip()[:60] for t in prohibited_topics if t.strip()][:100]
    if errors:
        raise ValidationFailed(details=errors)
    row, _ = RequestSettings.objects.update_or_create(creator=creator, defaults={
        "enabled": enabled, "min_prices": min_prices, "turnaround_days": turnaround_days, "slots": slots,
        "prohibited_topics": topics, "currency": creator_currency(creator)})
    return row


def price_max(currency: str) -> Money:
    """The most a custom request may cost (REQUEST_PRICE_MAX, per currency like every platform bound)."""
    return platform_bound(settings.REQUEST_PRICE_MAX, currency)


def _over_max(price: Money) -> str | None:
    high = price_max(price.currency)
    return f"At most {high}." if price > high else None


def _step(req: CustomRequest, target: str, actor: User | None, note: str = "") -> None:
    source = req.status
    REQUEST_TRANSITIONS.move(req, target)
    req.save()
    CustomRequestStep.objects.create(request=req, from_status=source, to_status=target, actor=actor,
                                     price_minor=req.price_minor, note=note[:2000])
    emit("request.transitioned", {"request_id": req.pk, "from_status": source, "to_status": target,
                                  "kind": req.kind, "price_minor": req.price_minor, "currency": req.currency},
         actor=actor)


def _screen(description: str, terms: RequestSettings) -> None:
    rule = request_rules.platform_match(description)
    if rule:
        raise RequestProhibited(details={"rule": f"platform:{rule}"})
    topic = request_rules.creator_match(description, terms.prohibited_topics)
    if topic:
        raise RequestProhibited("This creator does not take requests about this.",
                                details={"rule": f"creator:{topic}"})


def submit(fan: User, creator: User, *, kind: str, description: str, price: Money, desired_by: datetime | None,
           payment_method: str) -> CustomRequest:
    if fan.role != Role.FAN:
        raise PermissionDeniedError("Only fans send custom requests.")
    terms = RequestSettings.objects.filter(creator=creator, enabled=True).first()
    if terms is None:
        raise RequestsClosed()
    if is_blocked_between(fan, creator):
        raise Blocked()
    description = (description or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in terms.min_prices:
        errors["kind"] = [f"This creator takes: {', '.join(sorted(terms.min_prices))}."]
    elif price.currency != terms.currency or price.minor < terms.min_prices[kind]:
        errors["price"] = [f"At least {Money(terms.min_prices[kind], terms.currency)}."]
    elif _over_max(price):
        errors["price"] = [_over_max(price)]
    if not 20 <= len(description) <= 4000:
        errors["description"] = ["Describe the request in 20 to 4,000 characters."]
    if desired_by and desired_by <= timezone.now().date():
        errors["desired_by"] = ["Pick a date in the future."]
    if not payment_method.strip():
        errors["payment_method"] = ["A payment method is needed; you are only charged if the creator accepts."]
    if errors:
        raise ValidationFailed(details=errors)
    _screen(description, terms)
    hold = trust.screen_text(trust.REQUEST_DESCRIPTION, description, author=fan)
    now = timezone.now()
    with transaction.atomic():
        req = CustomRequest.objects.create(
            fan=fan, creator=creator, kind=kind, description=description, price_minor=price.minor,
            currency=price.currency, desired_by=desired_by, payment_method=payment_method.strip(),
            respond_by=now + timedelta(hours=settings.REQUEST_ACCEPT_HOURS))
        if hold is not None:
            hold.queue(req.pk, fan)
        CustomRequestStep.objects.create(request=req, to_status=R.SUBMITTED, actor=fan, price_minor=price.minor)
        emit("request.transitioned", {"request_id": req.pk, "from_status": "", "to_status": R.SUBMITTED,
                                      "kind": kind, "price_minor": price.minor, "currency": price.currency},
             actor=fan)
    return req


def _load(user: User, request_id: int, *, as_role: str) -> CustomRequest:
    req = CustomRequest.objects.select_for_update().filter(pk=request_id).first()
    owner = req and (req.fan_id if as_role == "fan" else req.creator_id)
    if req is None or owner != user.pk:
        raise NotFoundError("No such request.")
    return req


def counter(creator: User, request_id: int, *, price: Money, note: str = "") -> CustomRequest:
    with transaction.atomic():
        req = _load(creator, request_id, as_role="creator")
        if price.currency != req.currency or price.minor <= 0:
            raise ValidationFailed(details={"price": [f"A price in {req.currency}."]})
        if _over_max(price):
            raise ValidationFailed(details={"price": [_over_max(price)]})
        req.price_minor = price.minor
        _step(req, R.COUNTERED, creator, note)
    return req


def revise(fan: User, request_id: int, *, price: Money, note: str = "") -> CustomRequest:
    """The fan answers a counter with a new offer (countered → submitted)."""
    with transaction.atomic():
        req = _load(fan, request_id, as_role="fan")
        terms = RequestSettings.objects.get(creator_id=req.creator_id)
        if price.currency != req.currency or price.minor < terms.min_prices.get(req.kind, 0):
            raise ValidationFailed(details={"price": ["At least the creator's minimum."]})
        if _over_max(price):
            raise ValidationFailed(details={"price": [_over_max(price)]})
        req.price_minor = price.minor
        _step(req, R.SUBMITTED, fan, note)
    return req


def decline(creator: User, request_id: int, note: str = "") -> CustomRequest:
    with transaction.atomic():
        req = _load(creator, request_id, as_role="creator")
        _step(req, R.DECLINED, creator, note)
    return req


def withdraw(fan: User, request_id: int) -> CustomRequest:
    with transaction.atomic():
        req = _load(fan, request_id, as_role="fan")
        _step(req, R.WITHDRAWN, fan)
    return req


def accept(user: User, request_id: int) -> CustomRequest:
    """The creator accepts a submitted request, or the fan accepts a counter: the fan pays into escrow.

    Decide before charging: under the request's row lock the accept is decided (state, slots) and
    claimed (``paying_until``); a second accept while that payment runs — a double click by the fan or
    the creator — is refused with CHECKOUT_IN_PROGRESS and charges nothing. The charge happens between
    two short transactions (never while holding the row lock); its idempotency key is the request and the
    step count, so a retried accept charges once. If the request changed while paying (withdrawn,
    expired), this attempt's own payment is refunded; a payment the request holds is never refunded.
    """
    with transaction.atomic():
        req = _acceptable(user, request_id)
        now = timezone.now()
        if req.paying_until and req.paying_until > now:
            raise CheckoutInProgress("This request is already being accepted; its payment is in progress.",
                                     details={"request_id": req.pk})
        req.paying_until = now + timedelta(minutes=settings.REQUEST_ACCEPT_PAYMENT_MINUTES)
        req.save(update_fields=["paying_until"])
        expected, step_no = req.status, req.steps.count()
    try:
        outcome = billing.hold(fan=req.fan, creator=req.creator, amount=req.price, reference=f"request:{req.pk}",
                               idempotency_key=f"request:{req.pk}:hold:{step_no}",
                               payment_method=req.payment_method)
    except Exception:
        _release_claim(request_id)
        raise
    if outcome.status != "succeeded":
        _release_claim(request_id)
        raise PaymentDeclined(outcome.message or "The fan's payment did not go through.",
                              details={"decline_code": outcome.decline_code or outcome.status})
    with transaction.atomic():
        req = CustomRequest.objects.select_for_update().get(pk=request_id)
        held_by_request = req.payment_reference == outcome.payment_reference
        changed = req.status != expected or (req.payment_reference and not held_by_request)
        if not changed:
            terms = RequestSettings.objects.get(creator_id=req.creator_id)
            req.payment_reference = outcome.payment_reference
            req.paying_until = None
            req.deliver_by = timezone.now() + timedelta(days=terms.turnaround_days)
            _step(req, R.ACCEPTED, user)
        elif req.paying_until:
            req.paying_until = None
            req.save(update_fields=["paying_until"])
    if held_by_request and req.status == R.ACCEPTED:
        return req  # a retry of the accept that already went through: same payment, nothing to undo
    if changed:  # withdrawn or expired while the payment ran: give this attempt's money straight back
        billing.refund_unfulfilled(outcome.payment_reference, purpose="custom_request",
                                   reference=f"request:{req.pk}", reason="request_changed", actor=user)
        raise InvalidTransition("The request changed while paying; the payment was refunded.",
                                details={"machine": "custom request", "from": req.status, "to": R.ACCEPTED})
    return req


def _release_claim(request_id: int) -> None:
    CustomRequest.objects.filter(pk=request_id).update(paying_until=None)


def _acceptable(user: User, request_id: int) -> CustomRequest:
    req = (CustomRequest.objects.select_for_update(of=("self",)).select_related("fan", "creator")
           .filter(pk=request_id).first())
    if req is None or user.pk not in (req.fan_id, req.creator_id):
        raise NotFoundError("No such request.")
    expected = R.SUBMITTED if user.pk == req.creator_id else R.COUNTERED
    if req.status != expected:
        raise InvalidTransition("The other party's answer is awaited.",
                                details={"machine": "custom request", "from": req.status, "to": R.ACCEPTED})
    terms = RequestSettings.objects.get(creator_id=req.creator_id)
    busy = CustomRequest.objects.filter(creator_id=req.creator_id,
                                        status__in=[R.ACCEPTED, R.DELIVERED, R.DISPUTED]).count()
    if busy >= terms.slots:
        raise RequestSlotsFull("All request slots are taken; deliver one first.")
    return req


def deliver(creator: User, request_id: int, *, note: str, media_ids: list[str] | None = None) -> CustomRequest:
    with transaction.atomic():
        req = _load(creator, request_id, as_role="creator")
        if req.status == R.ACCEPTED and req.deliver_by and req.deliver_by <= timezone.now():
            raise DeadlinePassed("The delivery deadline has passed; the fan is refunded.")
        req.delivery_note = (note or "").strip()[:2000]
        req.delivered_at = timezone.now()
        req.review_until = req.delivered_at + timedelta(days=settings.REQUEST_REVIEW_DAYS)
        items = media_links.attach(req.creator, UseKind.REQUEST, req.pk, media_ids or [])
        performers.require_sender_records(req.creator, items)
        _step(req, R.DELIVERED, creator)
    return req


def approve(fan: User, request_id: int) -> CustomRequest:
    with transaction.atomic():
        req = _load(fan, request_id, as_role="fan")
        REQUEST_TRANSITIONS.check(req.status, R.COMPLETED)
        billing.release(req.payment_reference, actor=fan)
        _step(req, R.COMPLETED, fan)
    return req


def dispute(fan: User, request_id: int, reason: str) -> CustomRequest:
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise ValidationFailed(details={"reason": ["Tell us what is wrong (at least 10 characters)."]})
    with transaction.atomic():
        req = _load(fan, request_id, as_role="fan")
        if req.review_until and req.review_until <= timezone.now():
            raise DisputeWindowClosed("The review window has closed.")
        req.dispute_reason = reason[:2000]
        _step(req, R.DISPUTED, fan)
    return req


def resolve(staff: User, request_id: int, *, outcome: str, note: str, refund: Money | None = None) -> CustomRequest:
    """Trust & Safety decides a dispute: release to the creator, refund the fan, or refund part."""
    if not has_staff_powers(staff):
        raise PermissionDeniedError("Only Trust & Safety resolves disputes.")
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(details={"note": ["A note is required."]})
    req = CustomRequest.objects.filter(pk=request_id).first()
    if req is None:
        raise NotFoundError("No such request.")
    REQUEST_TRANSITIONS.check(req.status, R.RESOLVED)
    if outcome not in ("released", "refunded", "partially_refunded"):
        raise ValidationFailed(details={"outcome": ["released, refunded or partially_refunded."]})
    if outcome == "partially_refunded" and (refund is None or refund.currency != req.currency
                                            or not 0 < refund.minor < req.price_minor):
        raise ValidationFailed(details={"refund": [f"More than 0 and less than {req.price}."]})
    if outcome == "refunded":
        refund = req.price
    if outcome != "refunded":
        # Release first (a ledger move, idempotent); a part refund then comes back out of the
        # creator's pending share and the platform fee in proportion, like any refund.
        with transaction.atomic():
            locked = CustomRequest.objects.select_for_update().get(pk=request_id)
            REQUEST_TRANSITIONS.check(locked.status, R.RESOLVED)
            billing.release(locked.payment_reference, actor=staff)
    if refund is not None:  # the provider call runs outside any transaction
        # One basis: staff decide a part of the request's price (excluding tax, as validated above); the fan
        # gets that share of what they paid, tax included.
        billing.refund_held(req.payment_reference,
                            None if outcome == "refunded" else billing.tax_inclusive_share(req.payment_reference,
                                                                                           refund),
                            reason="requested_by_customer", actor=staff,
                            idempotency_key=f"request:{req.pk}:dispute-refund")
    with transaction.atomic():
        req = CustomRequest.objects.select_for_update().get(pk=request_id)
        REQUEST_TRANSITIONS.check(req.status, R.RESOLVED)
        req.refunded_minor = refund.minor if refund is not None else 0
        req.resolution, req.resolution_note = outcome, note
        audit.record(actor=staff, action="request.dispute_resolved", obj=req, reason=note,
                     details={"outcome": outcome, "refunded_minor": req.refunded_minor})
        _step(req, R.RESOLVED, staff, note)
    return req


def run_request_deadlines(now: datetime | None = None) -> dict[str, int]:
    """Beat: auto-decline unanswered requests, refund undelivered ones, auto-complete unreviewed ones."""
    now = now or timezone.now()
    done = {"expired": 0, "refunded": 0, "completed": 0}
    for pk in CustomRequest.objects.filter(status__in=[R.SUBMITTED, R.COUNTERED], respond_by__lte=now
                                           ).values_list("pk", flat=True):
        with transaction.atomic():
            req = CustomRequest.objects.select_for_update().get(pk=pk)
            if req.status in (R.SUBMITTED, R.COUNTERED) and req.respond_by <= now:
                _step(req, R.EXPIRED, None, "No answer in time: declined automatically, nothing was charged.")
                done["expired"] += 1
    for pk in CustomRequest.objects.filter(status=R.ACCEPTED, deliver_by__lte=now).values_list("pk", flat=True):
        req = CustomRequest.objects.get(pk=pk)
        # Refund first (idempotent key), outside any transaction; then record the state change.
        billing.refund_held(req.payment_reference, None, reason="not_delivered",
                            idempotency_key=f"request:{req.pk}:deadline-refund")
        with transaction.atomic():
            req = CustomRequest.objects.select_for_update().get(pk=pk)
            if req.status == R.ACCEPTED:
                req.refunded_minor = req.price_minor
                _step(req, R.REFUNDED, None, "Not delivered by the deadline: refunded in full.")
                done["refunded"] += 1
    for pk in CustomRequest.objects.filter(status=R.DELIVERED, review_until__lte=now).values_list("pk", flat=True):
        with transaction.atomic():
            req = CustomRequest.objects.select_for_update().get(pk=pk)
            if req.status == R.DELIVERED and req.review_until <= now:
                billing.release(req.payment_reference)
                _step(req, R.COMPLETED, None, "Completed automatically after the review window.")
                done["completed"] += 1
    return done


def open_requests_for(user: User) -> list[CustomRequest]:
    field = "creator" if user.role == Role.CREATOR else "fan"
    return list(CustomRequest.objects.filter(**{field: user}).select_related("fan", "creator")
                .order_by("-updated_at")[:200])


def close_for_account_deletion(user: User) -> dict[str, int]:
    """Account deletion (a privacy erasure): unanswered requests are withdrawn (fan) or declined (creator),
    paid-but-undelivered ones are refunded to the fan in full first. Delivered and disputed ones keep their
    review or dispute path (the money is the creator's on completion, or T&S decide)."""
    done = {"withdrawn": 0, "declined": 0, "refunded": 0}
    side = "creator" if user.role == Role.CREATOR else "fan"
    for pk in CustomRequest.objects.filter(**{side: user}, status__in=[R.SUBMITTED, R.COUNTERED]
                                           ).values_list("pk", flat=True):
        with transaction.atomic():
            req = CustomRequest.objects.select_for_update().get(pk=pk)
            if req.status in (R.SUBMITTED, R.COUNTERED):
                target = R.DECLINED if side == "creator" else R.WITHDRAWN
                _step(req, target, None, "Closed because the account was deleted.")
                done["declined" if side == "creator" else "withdrawn"] += 1
    for pk in CustomRequest.objects.filter(**{side: user}, status=R.ACCEPTED).values_list("pk", flat=True):
        req = CustomRequest.objects.get(pk=pk)
        billing.refund_held(req.payment_reference, None, reason="requested_by_customer",
                            idempotency_key=f"request:{req.pk}:account-deleted-refund")
        with transaction.atomic():
            req = CustomRequest.objects.select_for_update().get(pk=pk)
            if req.status == R.ACCEPTED:
                req.refunded_minor = req.price_minor
                _step(req, R.REFUNDED, None, "Refunded in full because an account was deleted.")
                done["refunded"] += 1
    return done


__all__ = ["OPEN_STATES"]

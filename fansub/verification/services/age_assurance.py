"""Age assurance for fans: start a hosted check, take the provider's signed verdict, answer "may they see 18+".

Rules (see fansub.verification.age_rules): a fan meets the rule of their *current* jurisdiction when it requires
no check, or when they hold an approved result whose method that jurisdiction accepts and which is younger than both
its own expiry (set from the rule where it was obtained) and the current rule's validity. So moving to a
stricter jurisdiction (a method it does not accept, or a shorter validity) asks for a new check, and safe
mode is switched back on until then.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.errors import (
    AgeMethodNotAccepted,
    DomainError,
    PermissionDeniedError,
    UnknownReference,
)
from fansub.accounts.models import FanProfile, Role, User
from fansub.verification.age_rules import RULES, AgeRule, jurisdiction_of, method_choices_for, rule_for
from fansub.verification.models import VERIFICATION_TRANSITIONS, AgeCheck, AgeWebhookReceipt
from fansub.verification.models import VerificationStatus as S
from fansub.verification.services.age_providers import active_provider, get_provider
from telemetry import metrics
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

logger = logging.getLogger("fansub.verification.age_webhook")


@dataclass(frozen=True)
class StartedCheck:
    check: AgeCheck
    redirect_url: str


def _fan_profile(user: Any) -> FanProfile:
    if not getattr(user, "is_authenticated", False) or user.role != Role.FAN:
        raise PermissionDeniedError("Only fans take an age check; creators verify their identity instead.")
    profile = FanProfile.objects.filter(user=user).first()
    if profile is None:
        raise PermissionDeniedError("This account has no fan profile.")
    return profile


def rule_for_user(user: User) -> AgeRule:
    profile = FanProfile.objects.filter(user=user).first()
    return effective_rule(profile) if profile else rule_for("")


def jurisdictions_of(profile: FanProfile) -> list[str]:
    """Every jurisdiction whose rule binds the fan: the declared one first, then the ones seen since (earlier
    declarations, the request's country) that no passed check has met yet. A new declaration never lowers the bar."""
    codes = [jurisdiction_of(profile.country, profile.region)]
    for code in profile.age_jurisdictions_seen or []:
        if isinstance(code, str) and code not in codes:
            codes.append(code)
    return codes


def effective_rule(profile: FanProfile) -> AgeRule:
    """The strictest combination of the rules of ``jurisdictions_of(profile)``: assurance required when any
    requires it, only methods every requiring one accepts, the shortest validity. Its ``jurisdiction`` is the
    requiring jurisdiction with the fewest methods (where a check is recorded)."""
    rules = [rule_for(*_split(code)) for code in jurisdictions_of(profile)]
    requiring = [rule for rule in rules if rule.requires_assurance]
    if len(rules) == 1 or not requiring:
        return rules[0]
    strictest = min(requiring, key=lambda rule: (len(rule.methods), rule.validity_days))
    code = strictest.jurisdiction or next((c for c in jurisdictions_of(profile) if c not in RULES), "")
    return AgeRule(code, True, frozenset.intersection(*(rule.methods for rule in requiring)),
                   min(rule.validity_days for rule in requiring), strictest.legal_basis)


def satisfies_profile(user: Any, profile: FanProfile, *, now: datetime | None = None) -> bool:
    """Whether ``user`` meets the rule of every jurisdiction that binds them (see ``jurisdictions_of``)."""
    return all(satisfies_rule(user, *_split(code), now=now) for code in jurisdictions_of(profile))


def note_jurisdiction(user: Any, profile: FanProfile, jurisdiction: str) -> bool:
    """Keep ``jurisdiction`` binding for the fan until a check meets its rule (nothing to keep when one already
    does). Saves the profile's list only; True when it changed. Call under the profile's row lock."""
    jurisdiction = (jurisdiction or "").upper()
    if jurisdiction in jurisdictions_of(profile) or satisfies_rule(user, *_split(jurisdiction)):
        return False
    profile.age_jurisdictions_seen = [*(profile.age_jurisdictions_seen or []), jurisdiction]
    profile.save(update_fields=["age_jurisdictions_seen", "updated_at"])
    return True


def record_request_country(user: Any, country: str) -> bool:
    """Evidence from the request (a trusted proxy's country header): a country other than the declared one
    binds the fan too, until a check meets its rule. Only fans; True when something was recorded."""
    country = (country or "").strip().upper()
    if len(country) != 2 or not country.isalpha() or getattr(user, "role", None) != Role.FAN:
        return False
    with transaction.atomic():
        profile = FanProfile.objects.select_for_update().filter(user=user).first()
        if profile is None or profile.country.upper() == country:
            return False
        changed = note_jurisdiction(user, profile, country)
        if changed and not profile.safe_mode and not satisfies_profile(user, profile):
            profile.safe_mode = True
            profile.save(update_fields=["safe_mode", "updated_at"])
        return changed


def _event_payload(check: AgeCheck) -> dict[str, Any]:
    return {"check_id": pseudonym("age_check", check.pk), "provider": check.provider, "method": check.method,
            "jurisdiction": check.jurisdiction or None}


def start_check(user: User, method: str, *, return_url: str = "") -> StartedCheck:
    """Open a hosted session with the configured provider for a method the fan's jurisdiction accepts."""
    profile = _fan_profile(user)
    rule = effective_rule(profile)
    if method not in dict(method_choices_for(rule)):
        raise AgeMethodNotAccepted("This method does not count where you are.",
                               details={"method": [f"Choose one of: {', '.join(dict(method_choices_for(rule)))}."]})
    provider = active_provider()
    jurisdiction = rule.jurisdiction if rule.requires_assurance else jurisdiction_of(profile.country, profile.region)
    # The provider session is opened first: an orphaned session is harmless (it never completes), while a
    # local row without a provider reference could never be matched to its callback.
    session = provider.start_session(method=method, jurisdiction=jurisdiction, return_url=return_url)
    with transaction.atomic():
        check = AgeCheck.objects.create(user=user, provider=provider.name, provider_reference=session.reference,
                                        method=method, jurisdiction=jurisdiction)
        emit("age_check.started", _event_payload(check), actor=user)
    return StartedCheck(check=check, redirect_url=session.redirect_url)


def handle_callback(provider_name: str, headers: dict[str, str], body: bytes, *,
                    now: datetime | None = None) -> str:
    """Verify, dedupe and apply a provider's verdict. Returns "processed" or "duplicate"; raises otherwise.

    Nothing is written unless the signature is valid and fresh, the reference is known and the check is
    still pending; a replay of an accepted callback hits the receipt's unique constraint and changes nothing.
    """
    now = now or timezone.now()
    provider = get_provider(provider_name)
    try:
        callback = provider.parse_callback(headers, body, now=now)
    except DomainError as error:
        # Counted and logged (reason and size, never the body) so that a misconfigured secret or an attack is
        # visible on the dashboards; nothing of an unverified request is kept.
        severity = "critical" if error.status >= 500 else "warning"
        metrics.increment(error.code, component=f"age_webhook.{provider.name}", severity=severity)
        logger.warning("age webhook %s: refused %s (%d bytes): %s", provider.name, error.code, len(body),
                       error.message)
        raise
    try:
        with transaction.atomic():
            AgeWebhookReceipt.objects.create(
                provider=provider.name, provider_reference=callback.reference, signed_at=callback.signed_at,
                body_sha256=callback.body_sha256, outcome=callback.result,
            )
            check = (AgeCheck.objects.select_for_update()
                     .filter(provider=provider.name, provider_reference=callback.reference).first())
            if check is None:
                raise UnknownReference("No age check has this reference.")
            _decide(check, callback.result, callback.method, now)
    except IntegrityError:
        if AgeWebhookReceipt.objects.filter(provider=provider.name, provider_reference=callback.reference).exists():
            metrics.increment("WEBHOOK_DUPLICATE", component=f"age_webhook.{provider.name}", severity="info")
            return "duplicate"
        raise
    return "processed"


def _decide(check: AgeCheck, result: str, method: str, now: datetime) -> None:
    rule = rule_for(*_split(check.jurisdiction))
    passed = result == "passed" and rule.accepts(method)
    target = S.APPROVED if passed else S.REJECTED
    VERIFICATION_TRANSITIONS.move(check, target)
    check.method = method
    check.decided_at = now
    check.expires_at = now + timedelta(days=rule.validity_days) if passed else None
    check.save(update_fields=["status", "method", "decided_at", "expires_at"])
    if passed:
        _forget_met_jurisdictions(check.user)
    emit("age_check.completed", {**_event_payload(check), "result": "passed" if passed else "failed"},
         actor=check.user)


def _forget_met_jurisdictions(user: Any) -> None:
    """A passed check: the jurisdictions seen before it whose rule is now met stop binding the fan."""
    profile = FanProfile.objects.select_for_update().filter(user=user).first()
    if profile is None or not profile.age_jurisdictions_seen:
        return
    left = [code for code in profile.age_jurisdictions_seen
            if isinstance(code, str) and not satisfies_rule(user, *_split(code))]
    if left != profile.age_jurisdictions_seen:
        profile.age_jurisdictions_seen = left
        profile.save(update_fields=["age_jurisdictions_seen", "updated_at"])


def _split(jurisdiction: str) -> tuple[str, str]:
    country = jurisdiction.split("-", 1)[0] if jurisdiction else ""
    return country, jurisdiction if "-" in jurisdiction else ""


def satisfies_rule(user: Any, country: str, region: str, *, now: datetime | None = None) -> bool:
    """Whether ``user`` may see adult content under the rule of (country, region)."""
    rule = rule_for(country, region)
    if not rule.requires_assurance:
        return True  # a known jurisdiction with no statute: the 18+ attestation at sign-up is the gate
    now = now or timezone.now()
    return AgeCheck.objects.filter(
        user=user, status=S.APPROVED, method__in=rule.methods, expires_at__gt=now,
        decided_at__gt=now - timedelta(days=rule.validity_days),
    ).exists()


def has_valid_age_assurance(user: User, profile: FanProfile | None = None) -> bool:
    """True when the fan meets the age-assurance rule of their current jurisdiction."""
    if not getattr(user, "pk", None):
        return False
    if profile is None:
        profile = FanProfile.objects.filter(user=user).only("country", "region", "age_jurisdictions_seen").first()
    if profile is None:
        return False
    return satisfies_profile(user, profile)


def latest_check(user: User) -> AgeCheck | None:
    return AgeCheck.objects.filter(user=user).order_by("-started_at", "-pk").first()


def expire_due(*, now: datetime | None = None) -> dict[str, int]:
    """Close abandoned sessions and lapsed results; a fan left without a valid result goes back to safe mode."""
    now = now or timezone.now()
    stale_before = now - timedelta(minutes=settings.AGE_SESSION_TTL_MINUTES)
    counts = {"abandoned": 0, "lapsed": 0, "safe_mode_restored": 0}
    due = AgeCheck.objects.filter(status=S.PENDING, started_at__lt=stale_before) | AgeCheck.objects.filter(
        status=S.APPROVED, expires_at__lte=now)
    for check_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            check = AgeCheck.objects.select_for_update().select_related("user").get(pk=check_id)
            if check.status == S.PENDING and check.started_at < stale_before:
                counts["abandoned"] += 1
            elif check.status == S.APPROVED and check.expires_at and check.expires_at <= now:
                counts["lapsed"] += 1
            else:
                continue  # decided meanwhile
            VERIFICATION_TRANSITIONS.move(check, S.EXPIRED)
            check.save(update_fields=["status"])
            emit("age_check.expired", _event_payload(check), actor=None, source="worker")
            counts["safe_mode_restored"] += restore_safe_mode_if_unverified(check.user)
    return counts


def restore_safe_mode_if_unverified(user: Any) -> int:
    """Switch safe mode back on for a fan who no longer meets their rule. 1 when it changed."""
    profile = FanProfile.objects.select_for_update().filter(user=user).first()
    if profile is None or profile.safe_mode or satisfies_profile(user, profile):
        return 0
    profile.safe_mode = True
    profile.save(update_fields=["safe_mode", "updated_at"])
    return 1

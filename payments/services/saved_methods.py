"""Saved cards: a fan saves a card with the provider that will charge it, pays later by choosing it, and
removes it in their account settings. Only the provider's ids, brand, last four digits, expiry and issuing
country are kept (never a card number). A fan can only use or remove their own: a saved card is posted by
forms as ``saved:<public id>`` and resolved here with its owner checked.

Providers that keep cards declare ``saves_cards`` (the simulator; Stripe: Customer + a SetupIntent that
attaches the PaymentMethod). CCBill has no stored cards for us (its hosted form collects the card every
time), so adult checkouts neither offer nor accept saved cards (SAVED_METHODS_UNSUPPORTED).
"""

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from common.errors import NotFoundError, SavedMethodsUnsupported
from governance.services import audit
from payments.models import PaymentCustomer, SavedPaymentMethod
from payments.providers import registry
from payments.services import provider_outcomes
from payments.services.guards import refuse_open_transaction

logger = logging.getLogger("fansub.payments")
PREFIX = "saved:"


@dataclass(frozen=True)
class Resolved:
    method: SavedPaymentMethod
    provider_method_id: str
    customer_ref: str


def supported(provider_name: str) -> bool:
    return bool(registry.capability(provider_name, "saves_cards"))


def is_token(payment_method: str) -> bool:
    return (payment_method or "").startswith(PREFIX)


def for_fan(fan: Any, provider_name: str | None = None) -> list[SavedPaymentMethod]:
    qs = SavedPaymentMethod.objects.filter(fan_id=fan.pk)
    if provider_name is not None:
        qs = qs.filter(provider=provider_name)
    return list(qs)


def _customer(fan: Any, provider_name: str) -> PaymentCustomer:
    existing = PaymentCustomer.objects.filter(fan_id=fan.pk, provider=provider_name).first()
    if existing is not None:
        return existing
    # The key names the fan: a retry after a lost answer gets the same customer from the provider.
    customer_ref = registry.get(provider_name).create_customer(f"fan:{fan.pk}", f"customer:fan:{fan.pk}",
                                                               email=None)
    try:
        with transaction.atomic():
            return PaymentCustomer.objects.create(fan_id=fan.pk, provider=provider_name,
                                                  provider_customer_id=customer_ref)
    except IntegrityError:  # a concurrent save created it
        return PaymentCustomer.objects.get(fan_id=fan.pk, provider=provider_name)


def save(fan: Any, provider_name: str, payment_method: str) -> SavedPaymentMethod:
    """Save the card ``payment_method`` (a provider token or simulator test card) with ``provider_name``."""
    refuse_open_transaction("save_card")
    if not supported(provider_name):
        raise SavedMethodsUnsupported()
    if not payment_method or is_token(payment_method):
        raise SavedMethodsUnsupported("Enter the card you want to save.")
    customer = _customer(fan, provider_name)
    try:
        card = registry.get(provider_name).save_card(customer.provider_customer_id, payment_method,
                                                     f"save-card:{fan.pk}:{uuid.uuid4()}")
    except Exception as exc:
        raise provider_outcomes.as_domain_error(exc) from exc
    with transaction.atomic():
        method, _ = SavedPaymentMethod.objects.get_or_create(
            provider=provider_name, provider_method_id=card.payment_method_id,
            defaults={"fan_id": fan.pk, "customer": customer, "brand": card.brand[:20], "last4": card.last4[-4:],
                      "exp_month": card.exp_month, "exp_year": card.exp_year, "country": (card.country or "")[:2]})
        audit.record(actor=fan, action="payments.card_saved", obj=method,
                     details={"provider": provider_name, "brand": method.brand})
    return method


def resolve(fan_id: int, provider_name: str, payment_method: str) -> Resolved:
    """The provider ids behind ``saved:<id>``, only for its owner and the provider it was saved with."""
    raw = payment_method[len(PREFIX):]
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        raise NotFoundError("No such saved card.") from None
    method = SavedPaymentMethod.objects.select_related("customer").filter(public_id=public_id, fan_id=fan_id).first()
    if method is None:
        raise NotFoundError("No such saved card.")
    if method.provider != provider_name:
        raise SavedMethodsUnsupported("This saved card cannot be used for this purchase.")
    return Resolved(method, method.provider_method_id, method.customer.provider_customer_id)


def remove(fan: Any, public_id: str) -> None:
    """Detach the card at the provider and forget it. Someone else's card is NOT_FOUND."""
    refuse_open_transaction("remove_card")
    try:
        method = SavedPaymentMethod.objects.filter(public_id=uuid.UUID(str(public_id)), fan_id=fan.pk).first()
    except ValueError:
        method = None
    if method is None:
        raise NotFoundError("No such saved card.")
    _detach(fan, method)


def _detach(fan: Any, method: SavedPaymentMethod) -> None:
    """Detach ``method`` at its provider, then audit and forget it. The caller has checked that the card is
    ``fan``'s and that no transaction is open."""
    try:
        registry.get(method.provider).detach_card(method.provider_method_id, f"detach:{method.public_id}")
    except Exception as exc:
        raise provider_outcomes.as_domain_error(exc) from exc
    with transaction.atomic():
        audit.record(actor=fan, action="payments.card_removed", obj=method, details={"provider": method.provider})
        method.delete()


def detach_all(fan: Any) -> dict[str, int]:
    """Account deletion: every saved card is detached at its provider (so it cannot be charged again) and
    forgotten. A provider that cannot be reached leaves that card's row for the erasure to delete; the count
    tells the Privacy desk to finish it at the provider."""
    detached = failed = 0
    for method in SavedPaymentMethod.objects.filter(fan_id=fan.pk):
        try:
            # Checked per card as remove() does: called inside a transaction, each card counts as detach_failed.
            refuse_open_transaction("remove_card")
            _detach(fan, method)  # the fan's own: the rows are filtered by fan above
        except Exception:  # one card's provider error must not stop the others or the erasure
            logger.warning("saved card %s: detach at the provider failed during account closing", method.public_id)
            failed += 1
        else:
            detached += 1
    return {"detached": detached, "detach_failed": failed}

"""The built-in payment simulator: Stripe's test-card semantics with no network.

Its state (payment intents, refunds, disputes, payouts, connected accounts) lives in the
SimulatorObject table so the web process, the worker and the reconcile command agree. Every state
change sends a Stripe-shaped event, signed with Stripe's signature scheme, through a Celery task
into the SAME webhook processor the real Stripe endpoint uses.

Test cards (https://docs.stripe.com/testing):
  4242424242424242  succeeds (US card)            4000000000000002  declines: card_declined
  4000000000009995  declines: insufficient_funds  4000002500003155  3-D Secure required
  4000000000000259  succeeds, then a dispute arrives
  country cards (succeed): 4000008260000000 GB, 4000002760000016 DE, 4000002500000003 FR,
  4000000400000008 AT, 4000003720000005 IE, 4000003800000008 IT, 4000007240000007 ES,
  4000005280000002 NL, 4000001240000000 CA
Connected accounts: "acct_sim_fail_payouts" makes every payout fail; any other "acct_sim_*" pays.
"""

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import stripe
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from common.errors import WebhookSignatureInvalid
from payments import tasks
from payments.models import SimulatorObject
from payments.money import Money, exponent
from payments.providers.base import (
    AccountStatus,
    PaymentMethodDetails,
    PaymentRequest,
    PaymentResult,
    PayoutResult,
    ProviderError,
    ProviderEvent,
    RefundResult,
    SavedCardResult,
)
from payments.providers.provider_errors import ProviderRequestRejected
from payments.providers.webhook_window import refuse_outside_window


@dataclass(frozen=True)
class Card:
    outcome: str  # succeed | decline | authenticate | dispute
    country: str = "US"
    decline_code: str = ""
    brand: str = "visa"


CARDS: dict[str, Card] = {
    "4242424242424242": Card("succeed"),
    "4000000000000002": Card("decline", decline_code="card_declined"),
    "4000000000009995": Card("decline", decline_code="insufficient_funds"),
    "4000002500003155": Card("authenticate"),
    "4000000000000259": Card("dispute"),
    "4000008260000000": Card("succeed", "GB"),
    "4000002760000016": Card("succeed", "DE"),
    "4000002500000003": Card("succeed", "FR"),
    "4000000400000008": Card("succeed", "AT"),
    "4000003720000005": Card("succeed", "IE"),
    "4000003800000008": Card("succeed", "IT"),
    "4000007240000007": Card("succeed", "ES"),
    "4000005280000002": Card("succeed", "NL"),
    "4000001240000000": Card("succeed", "CA"),
}
# Stripe's PaymentMethod aliases for the same behaviours.
ALIASES = {"pm_card_visa": "4242424242424242", "pm_card_chargeDeclined": "4000000000000002",
           "pm_card_authenticationRequired": "4000002500003155", "pm_card_createDispute": "4000000000000259",
           "pm_card_gb": "4000008260000000", "pm_card_de": "4000002760000016", "pm_card_ca": "4000001240000000"}

SIGNING_SALT = "payments.simulator.3ds"
FAIL_PAYOUTS_ACCOUNT = "acct_sim_fail_payouts"


SAVED_PREFIX = "pm_sim_"


def _card(payment_method: str) -> Card | None:
    if payment_method.startswith(SAVED_PREFIX):
        # A saved card keeps the test card's behaviour, never its number.
        saved = SimulatorObject.objects.filter(object_id=payment_method, kind="payment_method").first()
        if saved is None or saved.data.get("customer") is None:
            return None
        return Card(saved.data["outcome"], saved.data["country"], saved.data["decline_code"], saved.data["brand"])
    number = ALIASES.get(payment_method, payment_method).replace(" ", "")
    return CARDS.get(number)


def _last4(payment_method: str) -> str:
    if payment_method.startswith(SAVED_PREFIX):
        saved = SimulatorObject.objects.filter(object_id=payment_method, kind="payment_method").first()
        return saved.data["last4"] if saved is not None else ""
    return ALIASES.get(payment_method, payment_method).replace(" ", "")[-4:]


def sign_payload(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header value: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<payload>")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def _processor_fee(amount: Money) -> Money:
    # Stripe's standard card pricing: 2.9% + 30 cents (no fixed part for zero-decimal currencies).
    fixed = 30 if exponent(amount.currency) == 2 else 0
    return amount.multiply("0.029") + Money(fixed, amount.currency)


class SimulatorProvider:
    name = "simulator"
    saves_cards = True

    # --- state --------------------------------------------------------------------------
    @staticmethod
    def _new_id(prefix: str) -> str:
        return f"{prefix}_sim_{secrets.token_hex(12)}"

    @staticmethod
    def _get(object_id: str, *, lock: bool = False) -> SimulatorObject:
        query = SimulatorObject.objects.select_for_update() if lock else SimulatorObject.objects
        try:
            return query.get(object_id=object_id)
        except SimulatorObject.DoesNotExist:
            raise ProviderError(f"No such object: {object_id}") from None

    @staticmethod
    def _by_key(key: str) -> SimulatorObject | None:
        return SimulatorObject.objects.filter(idempotency_key=key).first()

    def _store(self, kind: str, object_id: str, key: str | None, data: dict[str, Any]) -> tuple[SimulatorObject, bool]:
        try:
            with transaction.atomic():
                return SimulatorObject.objects.create(kind=kind, object_id=object_id, idempotency_key=key,
                                                      data=data), True
        except IntegrityError:
            existing = self._by_key(key) if key else None
            if existing is None:
                raise
            return existing, False

    # --- payments -------------------------------------------------------------------------
    def payment_method_details(self, payment_method: str) -> PaymentMethodDetails | None:
        card = _card(payment_method)
        if card is None:
            return None
        return PaymentMethodDetails(brand=card.brand, last4=_last4(payment_method), country=card.country)

    def create_payment(self, request: PaymentRequest) -> PaymentResult:
        key = f"create:{request.idempotency_key}"
        card = _card(request.payment_method)
        pi_id = self._new_id("pi")
        data: dict[str, Any] = {
            "id": pi_id, "object": "payment_intent", "amount": request.amount.minor,
            "currency": request.amount.currency, "capture_method": "automatic" if request.capture else "manual",
            "amount_received": 0, "amount_refunded": 0, "status": "requires_payment_method",
            "card_country": card.country if card else None,
            "last4": _last4(request.payment_method) if card else None,
            "outcome": card.outcome if card else "decline", "decline_code": None, "failure_message": None,
            "dispute": None, "metadata": dict(request.metadata), "local_payment_id": request.local_payment_id,
            "created": int(time.time()),
        }
        events: list[str] = []
        if card is None:
            data.update(status="failed", decline_code="incorrect_number",
                        failure_message="Your card number is incorrect.")
            events.append("payment_intent.payment_failed")
        elif card.outcome == "decline":
            data.update(status="failed", decline_code=card.decline_code, failure_message="Your card was declined.")
            events.append("payment_intent.payment_failed")
        elif card.outcome == "authenticate":
            data["status"] = "requires_action"
            events.append("payment_intent.requires_action")
        else:
            events.extend(self._authorize(data))
        try:
            with transaction.atomic():
                SimulatorObject.objects.create(kind="payment_intent", object_id=pi_id, idempotency_key=key, data=data)
                for event_type in events:
                    self._send(event_type, data)
        except IntegrityError:
            # A retry with the same idempotency key: Stripe answers with the first result, charges nothing.
            existing = self._by_key(key)
            if existing is None:
                raise
            return self._result(existing.data)
        return self._result(data)

    # --- customers and saved cards (Stripe's Customer + attached PaymentMethod, in miniature) ------------
    def create_customer(self, reference: str, idempotency_key: str, email: str | None = None) -> str:
        obj, _ = self._store("customer", self._new_id("cus"), f"customer:{idempotency_key}",
                             {"object": "customer", "reference": reference})
        return obj.object_id

    def save_card(self, customer_ref: str, payment_method: str, idempotency_key: str) -> SavedCardResult:
        self._get(customer_ref)
        card = _card(payment_method)
        if card is None or card.outcome == "decline":
            raise ProviderRequestRejected("This card could not be saved.",
                                          details={"decline_code": card.decline_code if card else "incorrect_number"})
        data = {"object": "payment_method", "customer": customer_ref, "outcome": card.outcome,
                "country": card.country, "decline_code": card.decline_code, "brand": card.brand,
                "last4": _last4(payment_method), "exp_month": 12, "exp_year": 2034}
        obj, _ = self._store("payment_method", self._new_id("pm"), f"save:{idempotency_key}", data)
        return SavedCardResult(customer_ref=customer_ref, payment_method_id=obj.object_id, brand=card.brand,
                               last4=obj.data["last4"], exp_month=12, exp_year=2034, country=card.country)

    def detach_card(self, payment_method_id: str, idempotency_key: str) -> None:
        with transaction.atomic():
            obj = self._get(payment_method_id, lock=True)
            obj.data["customer"] = None
            obj.save(update_fields=["data", "updated_at"])

    def _authorize(self, data: dict[str, Any]) -> list[str]:
        """The card is good: capture now or hold the authorization."""
        if data["capture_method"] == "manual":
            data["status"] = "requires_capture"
            return ["payment_intent.amount_capturable_updated"]
        data.update(status="succeeded", amount_received=data["amount"])
        events = ["payment_intent.succeeded"]
        if data["outcome"] == "dispute":
            data["dispute"] = {"id": self._new_id("dp"), "status": "needs_response", "amount": data["amount"],
                               "reason": "fraudulent"}
            events.append("charge.dispute.created")
        return events

    def retrieve_payment(self, provider_payment_id: str) -> PaymentResult:
        return self._result(self._get(provider_payment_id).data)

    def capture_payment(self, provider_payment_id: str, amount: Money, idempotency_key: str) -> PaymentResult:
        with transaction.atomic():
            obj = self._get(provider_payment_id, lock=True)
            data = obj.data
            if data["status"] == "requires_capture":
                if amount.minor != data["amount"] or amount.currency != data["currency"]:
                    raise ProviderError("the simulator captures the full authorized amount only")
                data["capture_method"] = "automatic"
                events = self._authorize(data)
                obj.save(update_fields=["data", "updated_at"])
                for event_type in events:
                    self._send(event_type, data)
            elif data["status"] != "succeeded":
                raise ProviderError(f"This PaymentIntent could not be captured: status {data['status']}")
        return self._result(data)

    def cancel_payment(self, provider_payment_id: str, idempotency_key: str) -> PaymentResult:
        with transaction.atomic():
            obj = self._get(provider_payment_id, lock=True)
            data = obj.data
            if data["status"] in {"requires_capture", "requires_action", "requires_payment_method"}:
                data["status"] = "canceled"
                obj.save(update_fields=["data", "updated_at"])
                self._send("payment_intent.canceled", data)
            elif data["status"] != "canceled":
                raise ProviderError(f"You cannot cancel this PaymentIntent: status {data['status']}")
        return self._result(data)

    def complete_authentication(self, provider_payment_id: str, *, success: bool) -> PaymentResult:
        """What the fan does on the simulated 3-D Secure page."""
        with transaction.atomic():
            obj = self._get(provider_payment_id, lock=True)
            data = obj.data
            if data["status"] != "requires_action":
                return self._result(data)
            if success:
                events = self._authorize(data)
            else:
                data.update(status="failed", decline_code="authentication_failed",
                            failure_message="The cardholder failed 3-D Secure authentication.")
                events = ["payment_intent.payment_failed"]
            obj.save(update_fields=["data", "updated_at"])
            for event_type in events:
                self._send(event_type, data)
        return self._result(data)

    def refund_payment(self, provider_payment_id: str, amount: Money, idempotency_key: str,
                       reason: str = "requested_by_customer") -> RefundResult:
        key = f"refund:{idempotency_key}"
        existing = self._by_key(key)
        if existing is not None:
            return self._refund_result(existing.data)
        with transaction.atomic():
            obj = self._get(provider_payment_id, lock=True)
            data = obj.data
            if data["status"] != "succeeded":
                raise ProviderError("This charge has not succeeded and cannot be refunded.")
            if amount.currency != data["currency"] or amount.minor + data["amount_refunded"] > data["amount"]:
                raise ProviderError("Refund amount is greater than the unrefunded amount.")
            refund = {"id": self._new_id("re"), "object": "refund", "amount": amount.minor,
                      "currency": amount.currency, "payment_intent": data["id"], "status": "succeeded",
                      "reason": reason}
            stored, created = self._store("refund", refund["id"], key, refund)
            if created:
                data["amount_refunded"] += amount.minor
                obj.save(update_fields=["data", "updated_at"])
                self._send("charge.refunded", data)
        return self._refund_result(stored.data)

    # --- disputes (driven by the simulator's own clock, or by tests and the demo) ------------
    def close_dispute(self, provider_payment_id: str, *, won: bool) -> PaymentResult:
        with transaction.atomic():
            obj = self._get(provider_payment_id, lock=True)
            data = obj.data
            dispute = data.get("dispute")
            if not dispute or dispute["status"] in {"won", "lost"}:
                raise ProviderError("no open dispute on this payment")
            dispute["status"] = "won" if won else "lost"
            obj.save(update_fields=["data", "updated_at"])
            self._send("charge.dispute.closed", data)
        return self._result(data)

    # --- payouts and accounts -----------------------------------------------------------
    def create_payout(self, account_ref: str, amount: Money, idempotency_key: str) -> PayoutResult:
        key = f"payout:{idempotency_key}"
        existing = self._by_key(key)
        if existing is not None:
            return self._payout_result(existing.data)
        failed = account_ref == FAIL_PAYOUTS_ACCOUNT
        payout = {"id": self._new_id("po"), "object": "payout", "amount": amount.minor, "currency": amount.currency,
                  "destination": account_ref, "status": "failed" if failed else "paid",
                  "failure_code": "account_closed" if failed else None}
        with transaction.atomic():
            stored, created = self._store("payout", payout["id"], key, payout)
            if created:
                self._send("payout.failed" if failed else "payout.paid", stored.data)
        return self._payout_result(stored.data)

    def retrieve_payout(self, provider_payout_id: str) -> PayoutResult:
        return self._payout_result(self._get(provider_payout_id).data)

    def reverse_payout(self, provider_payout_id: str) -> PayoutResult:
        """Simulate Connect's transfer.reversed for a payout already paid."""
        with transaction.atomic():
            obj = self._get(provider_payout_id, lock=True)
            obj.data["status"] = "reversed"
            obj.save(update_fields=["data", "updated_at"])
            self._send("transfer.reversed", obj.data)
        return self._payout_result(obj.data)

    def retrieve_account(self, account_ref: str) -> AccountStatus:
        obj = SimulatorObject.objects.filter(object_id=account_ref).first()
        data = obj.data if obj else {"charges_enabled": False, "payouts_enabled": False}
        return AccountStatus(account_ref, bool(data["charges_enabled"]), bool(data["payouts_enabled"]))

    def set_account_status(self, account_ref: str, *, charges_enabled: bool, payouts_enabled: bool) -> None:
        """What onboarding at the provider does; sends account.updated."""
        data = {"id": account_ref, "object": "account", "charges_enabled": charges_enabled,
                "payouts_enabled": payouts_enabled}
        with transaction.atomic():
            SimulatorObject.objects.update_or_create(object_id=account_ref,
                                                     defaults={"kind": "account", "data": data})
            self._send("account.updated", data)

    # --- webhooks -------------------------------------------------------------------------
    def _send(self, event_type: str, obj: dict[str, Any]) -> None:
        if not settings.PAYMENTS_SIMULATOR_WEBHOOKS:
            return
        event = {
            "id": self._new_id("evt"), "object": "event", "type": event_type, "api_version": "2024-06-20",
            "livemode": False, "created": int(time.time()), "data": {"object": obj},
        }
        payload = json.dumps(event, separators=(",", ":"), sort_keys=True)
        header = sign_payload(payload, settings.PAYMENTS_SIMULATOR_WEBHOOK_SECRET)

        # After commit: the event describes a state the processor side has really reached. Robust: like
        # a real provider, a failed delivery (retried by the task) never fails the API call that caused it.
        transaction.on_commit(lambda: tasks.deliver_simulator_webhook.delay(payload, header), robust=True)

    def parse_webhook(self, payload: bytes, headers: dict[str, str], **_context: Any) -> ProviderEvent:
        header = next((v for k, v in headers.items() if k.lower() == "stripe-signature"), "")
        refuse_outside_window(header, settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS)
        try:
            stripe.WebhookSignature.verify_header(payload.decode("utf-8"), header,
                                                  settings.PAYMENTS_SIMULATOR_WEBHOOK_SECRET,
                                                  settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS)
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
            raise WebhookSignatureInvalid(str(exc)) from None
        try:
            event = json.loads(payload)
            obj = event["data"]["object"]
            object_type = obj.get("object")
            payment_id = obj["id"] if object_type == "payment_intent" else obj.get("payment_intent")
            return ProviderEvent(provider=self.name, event_id=event["id"], event_type=event["type"],
                                 object_id=obj["id"], livemode=bool(event["livemode"]), created=int(event["created"]),
                                 data=obj, payment_id=payment_id)
        except (ValueError, KeyError, TypeError) as exc:
            raise WebhookSignatureInvalid(f"malformed event: {exc}") from None

    # --- results --------------------------------------------------------------------------
    def _result(self, data: dict[str, Any]) -> PaymentResult:
        amount = Money(data["amount"], data["currency"])
        status = data["status"]
        if status == "requires_payment_method":
            status = "failed"
        client_action = None
        if status == "requires_action":
            token = signing.dumps(data["id"], salt=SIGNING_SALT)
            client_action = {"type": "redirect",
                             "url": settings.SITE_URL + reverse("payments:simulator-3ds", args=[token])}
        dispute = data.get("dispute") or {}
        captured = Money(data["amount_received"], data["currency"])
        return PaymentResult(
            provider_payment_id=data["id"], status=status, amount=amount, amount_captured=captured,
            client_action=client_action, decline_code=data.get("decline_code"),
            failure_message=data.get("failure_message"), card_country=data.get("card_country"),
            processor_fee=_processor_fee(amount) if status == "succeeded" else None, raw=data,
            amount_refunded=Money(data["amount_refunded"], data["currency"]),
            dispute_id=dispute.get("id"), dispute_status=dispute.get("status"),
            dispute_amount=Money(dispute["amount"], data["currency"]) if dispute else None,
            dispute_reason=dispute.get("reason"),
        )

    @staticmethod
    def _refund_result(data: dict[str, Any]) -> RefundResult:
        return RefundResult(data["id"], data["status"], Money(data["amount"], data["currency"]), raw=data)

    @staticmethod
    def _payout_result(data: dict[str, Any]) -> PayoutResult:
        status = "failed" if data["status"] == "reversed" else data["status"]
        return PayoutResult(data["id"], status, Money(data["amount"], data["currency"]),
                            failure_code=data.get("failure_code") or ("reversed" if data["status"] == "reversed"
                                                                      else None), raw=data)

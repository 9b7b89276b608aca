"""Stripe adapter: PaymentIntents, saved cards, 3-D Secure, refunds, Connect transfers (payouts) and reversals.

Talks to Stripe only through the official ``stripe`` library (``StripeClient``); tests point its base
address at a local fake (tests/payments_providers/fake_stripe.py), never at the network.

Decisions
---------
**Separate charges and transfers** (the one Connect model the ledger assumes). The platform charges
the fan: the PaymentIntent carries no ``transfer_data`` and no ``application_fee_amount``, the whole
sale settles to the platform balance, and the ledger splits it into tax, platform fee and the
creator's share (pending, then available after the hold period). The payout run pays each creator
with **one Transfer** (``create_payout``), keyed ``payout:<local payout id>``, to their Express
account; the connected account's own payout schedule pays their bank (``payout.*`` events on the
Connect endpoint, recorded, not posted: that money already left the platform ledger). A refund or a
lost dispute after the creator's share was transferred leaves the creator owing the platform; the
payouts service then takes it back with a **Transfer reversal** (``reverse_payout_transfer``), keyed
``transfer-reversal:<local id>``. We never set ``on_behalf_of``: the platform is merchant of record
(its descriptor, receipts and tax registration). ``create_payment`` still accepts
``destination_account``/``application_fee`` for the adapter's own tests; the coordinator sends neither.

**Escrow holds** use ``capture_method=manual`` (``PaymentRequest.capture=False``): the card is
authorized, nothing settles; ``capture_payment`` settles all or part (the rest is released) and
``cancel_payment`` releases the hold. Card authorizations expire after about 7 days.

**Refunds** come from the platform balance; ``reverse_transfer``/``refund_application_fee`` are only
sent for an intent that really had ``transfer_data`` (none made by the coordinator).

**3-D Secure**: a PaymentIntent in ``requires_action`` comes back as ``status="requires_action"``
with ``client_action = {"type": "stripe_sdk", "client_secret", "next_action", "payment_intent"}``
(plus ``"url"`` when Stripe asks for a redirect); the page hands the client secret to Stripe.js
``handleNextAction`` and the outcome arrives by webhook (or ``retrieve_payment``).

**Errors**: a card decline is an outcome (``status="failed"`` with ``decline_code``), not an
exception. Rate limits, connection failures and 5xx raise ``ProviderUnavailable`` (retry with the
same idempotency key); a reused key with other parameters raises ``ProviderIdempotencyConflict``;
other refusals raise ``ProviderRequestRejected``; bad credentials ``ProviderMisconfigured``.

**Idempotency**: every POST carries the caller's key unchanged (``"<operation>:<local id>"``). The
library's own network retries (``max_network_retries``) reuse that key, so a retried request is
performed at most once by Stripe.

**Amounts** go through ``Money.to_provider_amount()`` (minor units; yen for JPY, which has none).

**Webhooks**: ``parse_webhook`` verifies ``Stripe-Signature`` with ``stripe.Webhook.construct_event``
(300 s tolerance). ``STRIPE_WEBHOOK_SECRET`` may list several secrets (the platform endpoint's and
the Connect endpoint's, or old+new while rolling one); any one verifying is enough. The event's
``livemode`` is surfaced unchanged; the coordinator drops events whose livemode differs from
``self.livemode`` (a test-mode event must never move live money). Events from connected accounts
carry ``data["account"]``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import stripe

from common.errors import WebhookSignatureInvalid
from payments.money import Money, UnsupportedCurrency
from payments.providers.base import (
    AccountStatus,
    PaymentRequest,
    PaymentResult,
    PayoutResult,
    ProviderEvent,
    RefundResult,
    ReversalResult,
    SavedCardResult,
)
from payments.providers.provider_errors import (
    ProviderIdempotencyConflict,
    ProviderMisconfigured,
    ProviderRequestRejected,
    ProviderUnavailable,
)
from payments.providers.stripe_connect import StripeConnectMixin
from payments.providers.webhook_window import refuse_outside_window

logger = logging.getLogger(__name__)

T = TypeVar("T")

WEBHOOK_TOLERANCE_SECONDS = 300
# Stripe's own refund reasons; anything else is kept in metadata only.
STRIPE_REFUND_REASONS = {"duplicate", "fraudulent", "requested_by_customer"}
_PI_STATUS: dict[str, str] = {
    "succeeded": "succeeded",
    "requires_capture": "requires_capture",
    "requires_action": "requires_action",
    "requires_confirmation": "requires_action",
    "processing": "processing",
    "requires_payment_method": "failed",  # after a failed attempt: the fan must try another card
    "canceled": "canceled",
}
_REFUND_STATUS = {"succeeded": "succeeded", "pending": "pending", "requires_action": "pending",
                  "failed": "failed", "canceled": "failed"}
_PAYOUT_STATUS = {"paid", "pending", "in_transit", "failed", "canceled"}


def header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive header lookup (a plain dict of request.headers loses Django's folding)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def translate_stripe_error(exc: stripe.StripeError) -> Exception:
    """Map a library exception to a stable domain error (card errors are handled by the caller)."""
    details = {"stripe_code": getattr(exc, "code", None), "http_status": exc.http_status,
               "request_id": exc.request_id}
    if isinstance(exc, stripe.RateLimitError | stripe.APIConnectionError):
        return ProviderUnavailable(details=details)
    if isinstance(exc, stripe.IdempotencyError):
        return ProviderIdempotencyConflict(str(exc.user_message or exc), details=details)
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        return ProviderMisconfigured(details=details)
    if isinstance(exc, stripe.InvalidRequestError | stripe.CardError):
        details["param"] = getattr(exc, "param", None)
        return ProviderRequestRejected(str(exc.user_message or "The payment provider rejected the request."),
                                       details=details)
    if isinstance(exc, stripe.APIError):
        # 5xx and 409 (a concurrent request holds the same idempotency key): safe to retry.
        return ProviderUnavailable(details=details)
    return ProviderRequestRejected(details=details)


def _money(amount: int | None, currency: str) -> Money | None:
    if amount is None:
        return None
    return Money.from_provider_amount(int(amount), currency)


@dataclass(frozen=True)
class SetupIntentResult:
    setup_intent_id: str
    status: str                       # succeeded | requires_action | requires_payment_method | ...
    client_secret: str
    payment_method: str | None
    client_action: dict[str, Any] | None = None


@dataclass(frozen=True)
class SavedCard:
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    country: str | None


class StripeGateway(StripeConnectMixin):
    """The PaymentProvider for Stripe (SFW purchases only: see routing.py)."""

    saves_cards = True

    name = "stripe"

    def __init__(self, *, api_key: str, webhook_secrets: list[str] | tuple[str, ...], livemode: bool = False,
                 api_base: str | None = None, max_network_retries: int = 2, timeout_seconds: float = 20.0,
                 webhook_tolerance: int = WEBHOOK_TOLERANCE_SECONDS) -> None:
        if not api_key:
            raise ProviderMisconfigured("STRIPE_SECRET_KEY is not set.")
        is_live_key = api_key.startswith(("sk_live_", "rk_live_"))
        if is_live_key != livemode:
            # A live key with livemode off (or the reverse) means the deployment is confused about
            # whether real money moves; refuse rather than guess.
            raise ProviderMisconfigured("STRIPE_LIVEMODE does not match the kind of STRIPE_SECRET_KEY.")
        self.livemode = livemode
        self.webhook_secrets = tuple(s for s in webhook_secrets if s)
        self.webhook_tolerance = webhook_tolerance
        base_addresses = {"api": api_base, "connect": api_base} if api_base else None
        self.client = stripe.StripeClient(
            api_key,
            base_addresses=base_addresses,
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout_seconds),
        )

    @classmethod
    def from_settings(cls) -> StripeGateway:
        from django.conf import settings

        return cls(api_key=settings.STRIPE_SECRET_KEY, webhook_secrets=settings.STRIPE_WEBHOOK_SECRETS,
                   livemode=settings.STRIPE_LIVEMODE, api_base=settings.STRIPE_API_BASE or None,
                   max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
                   timeout_seconds=settings.STRIPE_TIMEOUT_SECONDS,
                   webhook_tolerance=settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS)

    # --- plumbing ---------------------------------------------------------------------
    def _call(self, fn: Callable[..., T], *args: Any, declines_expected: bool = False) -> T:
        try:
            return fn(*args)
        except stripe.StripeError as exc:
            if declines_expected and isinstance(exc, stripe.CardError):
                raise  # create_payment turns a decline into a failed PaymentResult
            logger.warning("stripe call failed: %s %s", type(exc).__name__, getattr(exc, "code", None))
            raise translate_stripe_error(exc) from exc

    @staticmethod
    def _options(idempotency_key: str, stripe_account: str | None = None) -> dict[str, str]:
        if not idempotency_key:
            raise ValueError("every Stripe POST needs an idempotency key")
        options = {"idempotency_key": idempotency_key}
        if stripe_account:
            options["stripe_account"] = stripe_account
        return options

    # --- payments ---------------------------------------------------------------------
    def create_payment(self, request: PaymentRequest) -> PaymentResult:
        currency = request.amount.currency
        params: dict[str, Any] = {
            "amount": request.amount.to_provider_amount(),
            "currency": currency.lower(),
            "payment_method": request.payment_method,
            "payment_method_types": ["card"],
            "confirm": True,
            "capture_method": "automatic" if request.capture else "manual",
            "metadata": {**request.metadata, "local_payment_id": request.local_payment_id},
            "statement_descriptor_suffix": request.statement_descriptor[:22],
            "expand": ["latest_charge.balance_transaction"],
        }
        if request.customer_ref:
            params["customer"] = request.customer_ref
        if request.application_fee is not None:
            if request.destination_account is None:
                raise ValueError("an application fee needs a destination account")
            if request.application_fee.currency != currency or not (
                0 <= request.application_fee.minor <= request.amount.minor
            ):
                raise ValueError("application fee must be in the payment currency and within the amount")
            params["application_fee_amount"] = request.application_fee.to_provider_amount()
        if request.destination_account:
            params["transfer_data"] = {"destination": request.destination_account}
        try:
            intent = self._call(self.client.v1.payment_intents.create, params,
                                self._options(request.idempotency_key), declines_expected=True)
        except stripe.CardError as exc:
            return self._declined(exc, request.amount)
        return self._payment_result(intent.to_dict())

    def retrieve_payment(self, provider_payment_id: str) -> PaymentResult:
        intent = self._call(self.client.v1.payment_intents.retrieve, provider_payment_id,
                            {"expand": ["latest_charge.balance_transaction"]}).to_dict()
        charge = intent.get("latest_charge") if isinstance(intent.get("latest_charge"), dict) else None
        dispute = None
        if charge and charge.get("disputed"):
            listing = self._call(self.client.v1.disputes.list, {"payment_intent": provider_payment_id, "limit": 1})
            disputes = listing.to_dict().get("data") or []
            dispute = disputes[0] if disputes else None
        return self._payment_result(intent, dispute)

    def find_payment(self, local_payment_id: str) -> PaymentResult | None:
        """The PaymentIntent made for our payment, if any (reconcile after a lost answer: re-sending the
        create with the same key needs the same parameters, and we never keep the card token)."""
        found = self._call(self.client.v1.payment_intents.search,
                           {"query": f"metadata['local_payment_id']:'{local_payment_id}'", "limit": 1}).to_dict()
        intents = found.get("data") or []
        return self.retrieve_payment(intents[0]["id"]) if intents else None

    def capture_payment(self, provider_payment_id: str, amount: Money, idempotency_key: str) -> PaymentResult:
        params = {"amount_to_capture": amount.to_provider_amount(), "expand": ["latest_charge.balance_transaction"]}
        intent = self._call(self.client.v1.payment_intents.capture, provider_payment_id, params,
                            self._options(idempotency_key))
        return self._payment_result(intent.to_dict())

    def cancel_payment(self, provider_payment_id: str, idempotency_key: str) -> PaymentResult:
        intent = self._call(self.client.v1.payment_intents.cancel, provider_payment_id, {},
                            self._options(idempotency_key))
        return self._payment_result(intent.to_dict())

    def refund_payment(self, provider_payment_id: str, amount: Money, idempotency_key: str,
                       reason: str = "requested_by_customer") -> RefundResult:
        # Re-read the intent rather than trust the caller about transfer_data: the refund flags
        # must match how the charge was actually made.
        intent = self._call(self.client.v1.payment_intents.retrieve, provider_payment_id).to_dict()
        if intent["currency"].upper() != amount.currency:
            raise ValueError("refund currency differs from the payment currency")
        params: dict[str, Any] = {"payment_intent": provider_payment_id, "amount": amount.to_provider_amount(),
                                  "metadata": {"reason": reason}}
        if reason in STRIPE_REFUND_REASONS:
            params["reason"] = reason
        if intent.get("transfer_data"):
            params["reverse_transfer"] = True
            params["refund_application_fee"] = True
        refund = self._call(self.client.v1.refunds.create, params, self._options(idempotency_key)).to_dict()
        return RefundResult(provider_refund_id=refund["id"], status=_REFUND_STATUS.get(refund["status"], "pending"),
                            amount=Money.from_provider_amount(refund["amount"], refund["currency"]), raw=refund)

    def retrieve_refund(self, provider_refund_id: str) -> RefundResult:
        refund = self._call(self.client.v1.refunds.retrieve, provider_refund_id).to_dict()
        return RefundResult(provider_refund_id=refund["id"], status=_REFUND_STATUS.get(refund["status"], "pending"),
                            amount=Money.from_provider_amount(refund["amount"], refund["currency"]), raw=refund)

    def create_payout(self, account_ref: str, amount: Money, idempotency_key: str) -> PayoutResult:
        """Pay a creator: one Transfer from the platform balance to their connected account, keyed by
        our payout's id (``payout:<local id>``). The connected account's own payout schedule then
        pays their bank (``payout.*`` events on the Connect endpoint); the platform ledger is done
        once the transfer exists."""
        params = {"amount": amount.to_provider_amount(), "currency": amount.currency.lower(),
                  "destination": account_ref, "metadata": {"local_payout": idempotency_key}}
        transfer = self._call(self.client.v1.transfers.create, params, self._options(idempotency_key)).to_dict()
        return self._transfer_payout(transfer)

    def retrieve_payout(self, provider_payout_id: str) -> PayoutResult:
        transfer = self._call(self.client.v1.transfers.retrieve, provider_payout_id).to_dict()
        return self._transfer_payout(transfer)

    @staticmethod
    def _transfer_payout(transfer: dict[str, Any]) -> PayoutResult:
        # A transfer is final when created; reversals are separate objects (TransferReversal rows).
        return PayoutResult(provider_payout_id=transfer["id"], status="paid",
                            amount=Money.from_provider_amount(transfer["amount"], transfer["currency"]),
                            raw=transfer)

    def retrieve_account(self, account_ref: str) -> AccountStatus:
        readiness = self.account_readiness(account_ref)
        return AccountStatus(account_ref=readiness.account_id, charges_enabled=readiness.charges_enabled,
                             payouts_enabled=readiness.can_be_paid_out, details_submitted=readiness.details_submitted,
                             currently_due=readiness.currently_due, disabled_reason=readiness.disabled_reason)

    def reverse_payout_transfer(self, provider_payout_id: str, amount: Money, idempotency_key: str) -> ReversalResult:
        local = idempotency_key.rsplit(":", 1)[-1]
        reversal = self._call(self.client.v1.transfers.reversals.create, provider_payout_id,
                              {"amount": amount.to_provider_amount(), "metadata": {"local_reversal": local}},
                              self._options(idempotency_key)).to_dict()
        return ReversalResult(provider_reversal_id=reversal["id"],
                              amount=Money.from_provider_amount(reversal["amount"], reversal["currency"]), raw=reversal)

    def list_transfer_reversals(self, provider_payout_id: str) -> list[ReversalResult]:
        listing = self._call(self.client.v1.transfers.reversals.list, provider_payout_id, {"limit": 100}).to_dict()
        return [ReversalResult(provider_reversal_id=r["id"], amount=Money.from_provider_amount(r["amount"],
                                                                                              r["currency"]), raw=r)
                for r in listing.get("data") or []]

    # --- customers and saved cards ------------------------------------------------------
    def create_customer(self, reference: str, idempotency_key: str, email: str | None = None) -> str:
        """Returns the Stripe customer id; the core stores it on the fan's payment profile."""
        params: dict[str, Any] = {"metadata": {"local_customer_ref": reference}}
        if email:
            params["email"] = email  # Stripe e-mails card receipts; nothing else of the fan is sent
        return self._call(self.client.v1.customers.create, params, self._options(idempotency_key)).id

    def create_setup_intent(self, customer_id: str, idempotency_key: str,
                            payment_method: str | None = None) -> SetupIntentResult:
        """Save a card for later (renewals are off-session, hence ``usage=off_session``).

        Without ``payment_method`` the page collects the card with Stripe.js using the client secret;
        with one (a token from Stripe.js, or a test card) it is confirmed server-side.
        """
        params: dict[str, Any] = {"customer": customer_id, "usage": "off_session", "payment_method_types": ["card"]}
        if payment_method:
            params.update(payment_method=payment_method, confirm=True)
        intent = self._call(self.client.v1.setup_intents.create, params, self._options(idempotency_key))
        return self._setup_result(intent.to_dict())

    def retrieve_setup_intent(self, setup_intent_id: str) -> SetupIntentResult:
        return self._setup_result(self._call(self.client.v1.setup_intents.retrieve, setup_intent_id).to_dict())

    def list_saved_cards(self, customer_id: str) -> list[SavedCard]:
        listing = self._call(self.client.v1.customers.payment_methods.list, customer_id, {"type": "card"})
        cards = []
        for method in listing.to_dict()["data"]:
            card = method.get("card") or {}
            cards.append(SavedCard(payment_method_id=method["id"], brand=card.get("brand", ""),
                                   last4=card.get("last4", ""), exp_month=int(card.get("exp_month") or 0),
                                   exp_year=int(card.get("exp_year") or 0), country=card.get("country")))
        return cards

    def detach_saved_card(self, payment_method_id: str, idempotency_key: str) -> None:
        self._call(self.client.v1.payment_methods.detach, payment_method_id, {}, self._options(idempotency_key))

    def save_card(self, customer_ref: str, payment_method: str, idempotency_key: str) -> SavedCardResult:
        """Attach the card to the customer through a SetupIntent confirmed now (``usage=off_session``), then
        read back what may be shown. A card that needs the bank's step to be saved is refused here: the
        fan pays with it typed and saves another time."""
        setup = self.create_setup_intent(customer_ref, idempotency_key, payment_method=payment_method)
        if setup.status != "succeeded" or not setup.payment_method:
            raise ProviderRequestRejected("This card could not be saved.", details={"setup_status": setup.status})
        card = next((c for c in self.list_saved_cards(customer_ref) if c.payment_method_id == setup.payment_method),
                    None)
        if card is None:
            raise ProviderRequestRejected("This card could not be saved.", details={"setup_status": "not_attached"})
        return SavedCardResult(customer_ref=customer_ref, payment_method_id=card.payment_method_id, brand=card.brand,
                               last4=card.last4, exp_month=card.exp_month, exp_year=card.exp_year,
                               country=card.country)

    def detach_card(self, payment_method_id: str, idempotency_key: str) -> None:
        self.detach_saved_card(payment_method_id, idempotency_key)

    # --- webhooks -----------------------------------------------------------------------
    def parse_webhook(self, payload: bytes, headers: Mapping[str, str], **_context: Any) -> ProviderEvent:
        signature = header(headers, "Stripe-Signature")
        if not self.webhook_secrets:
            raise ProviderMisconfigured("STRIPE_WEBHOOK_SECRET is not set.")
        if not signature:
            raise WebhookSignatureInvalid("missing Stripe-Signature header")
        refuse_outside_window(signature, self.webhook_tolerance)
        event = None
        last_error: Exception | None = None
        for secret in self.webhook_secrets:
            try:
                event = stripe.Webhook.construct_event(payload, signature, secret, tolerance=self.webhook_tolerance)
                break
            except stripe.SignatureVerificationError as exc:
                last_error = exc
            except (ValueError, KeyError, IndexError) as exc:  # not JSON / not an event / malformed header
                raise WebhookSignatureInvalid(f"malformed webhook: {exc}") from exc
        if event is None:
            raise WebhookSignatureInvalid(str(last_error))
        body = event.to_dict()
        obj = (body.get("data") or {}).get("object") or {}
        data: dict[str, Any] = {"object": obj, "account": body.get("account"), "api_version": body.get("api_version")}
        if "previous_attributes" in (body.get("data") or {}):
            data["previous_attributes"] = body["data"]["previous_attributes"]
        # Charges, refunds and disputes name their PaymentIntent: the coordinator finds the local
        # payment by it and re-fetches the intent (with its charge, refunds and dispute).
        kind = obj.get("object")
        payment_id = obj.get("id") if kind == "payment_intent" else obj.get("payment_intent")
        if isinstance(payment_id, dict):
            payment_id = payment_id.get("id")
        return ProviderEvent(provider=self.name, event_id=body["id"], event_type=body["type"],
                             object_id=str(obj.get("id", "")), livemode=bool(body.get("livemode")),
                             created=int(body.get("created") or 0), data=data,
                             payment_id=str(payment_id) if payment_id else None)

    # --- mapping --------------------------------------------------------------------------
    def _declined(self, exc: stripe.CardError, requested: Money) -> PaymentResult:
        error = (exc.json_body or {}).get("error") or {}
        intent = error.get("payment_intent") or {}
        return PaymentResult(
            provider_payment_id=intent.get("id", ""),
            status="failed",
            amount=requested,
            decline_code=error.get("decline_code") or error.get("code") or "card_declined",
            failure_message=error.get("message"),
            raw=intent or {"error": error},
        )

    def _payment_result(self, intent: dict[str, Any], dispute: dict[str, Any] | None = None) -> PaymentResult:
        currency = intent["currency"].upper()
        status = _PI_STATUS.get(intent["status"], "processing")
        charge = intent.get("latest_charge") if isinstance(intent.get("latest_charge"), dict) else None
        error = intent.get("last_payment_error") or {}
        client_action = None
        if status == "requires_action":
            next_action = intent.get("next_action") or {}
            client_action = {"type": "stripe_sdk", "payment_intent": intent["id"],
                             "client_secret": intent.get("client_secret"), "next_action": next_action}
            redirect = next_action.get("redirect_to_url") or {}
            if redirect.get("url"):
                client_action["url"] = redirect["url"]
        received = intent.get("amount_received") or 0
        return PaymentResult(
            provider_payment_id=intent["id"],
            status=status,
            amount=Money.from_provider_amount(intent["amount"], currency),
            amount_captured=_money(received, currency) if received else None,
            client_action=client_action,
            decline_code=(error.get("decline_code") or error.get("code")) if status == "failed" else None,
            failure_message=error.get("message") if status == "failed" else None,
            card_country=self._card_country(charge),
            processor_fee=self._fee(charge),
            raw=intent,
            charge_id=charge.get("id") if charge else (intent.get("latest_charge") or None),
            amount_refunded=_money(charge.get("amount_refunded") or 0, currency) if charge else None,
            dispute_id=dispute["id"] if dispute else None,
            dispute_status=dispute.get("status") if dispute else None,
            dispute_amount=_money(dispute.get("amount"), currency) if dispute else None,
            dispute_reason=dispute.get("reason") if dispute else None,
            dispute_evidence_due_by=((dispute.get("evidence_details") or {}).get("due_by") if dispute else None),
            dispute_fee=self._dispute_fee(dispute),
        )

    @staticmethod
    def _dispute_fee(dispute: dict[str, Any] | None) -> Money | None:
        """Stripe's dispute fee from the dispute's balance transactions (withdrawal, and its refund if won)."""
        if not dispute:
            return None
        txns = [t for t in dispute.get("balance_transactions") or [] if isinstance(t, dict)]
        if not txns:
            return None
        currency = str(txns[0].get("currency") or dispute["currency"]).upper()
        try:
            return Money.from_provider_amount(sum(int(t.get("fee") or 0) for t in txns), currency)
        except UnsupportedCurrency:
            return None

    @staticmethod
    def _card_country(charge: dict[str, Any] | None) -> str | None:
        if not charge:
            return None
        card = (charge.get("payment_method_details") or {}).get("card") or {}
        return card.get("country")

    @staticmethod
    def _fee(charge: dict[str, Any] | None) -> Money | None:
        txn = (charge or {}).get("balance_transaction")
        if not isinstance(txn, dict):
            return None
        try:  # the fee is in the platform's settlement currency, which may differ from the charge's
            return Money.from_provider_amount(txn["fee"], txn["currency"])
        except UnsupportedCurrency:
            return None

    @staticmethod
    def _setup_result(intent: dict[str, Any]) -> SetupIntentResult:
        action = None
        if intent["status"] == "requires_action":
            action = {"type": "stripe_sdk", "setup_intent": intent["id"], "client_secret": intent.get("client_secret"),
                      "next_action": intent.get("next_action") or {}}
        return SetupIntentResult(setup_intent_id=intent["id"], status=intent["status"],
                                 client_secret=intent.get("client_secret") or "",
                                 payment_method=intent.get("payment_method"), client_action=action)

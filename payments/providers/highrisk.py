"""High-risk processor for adult purchases: CCBill (FlexForms hosted payment + Webhooks + DataLink API).

Why a second processor: Stripe's restricted-businesses list prohibits adult content, so purchases
of adult creators' content must never reach Stripe (routing.py enforces that). Why CCBill rather
than Segpay: both are established adult-content processors with a hosted form and postbacks, but
CCBill publishes the exact digest recipes with a worked example (formDigest, and the sale
validation digest in webhooks), a fixed sender IP list, JSON webhooks with a documented event
catalogue (NewSaleSuccess/Failure, Renewal*, Refund, Void, Chargeback, ...), and a documented
server-to-server refund action; Segpay's postbacks are merchant-templated URLs without a body
signature, which leaves less to verify. The recipes and their sources are in ccbill_signing.py.

Flow
----
``create_payment`` builds the FlexForms dynamic-pricing URL with the documented ``formDigest`` and
returns ``status="requires_action"`` with ``client_action={"type": "redirect", "url": …}``. The fan
pays on CCBill's page (card data and 3-D Secure never touch us); CCBill then posts a webhook. The
``provider_payment_id`` is our own reference ``ccbill_ref_<local id>``: CCBill assigns its
subscription id only when the sale happens, and we pass the reference as a custom form field
(``fansubRef``) which CCBill echoes in the sale webhook, so the event can be tied back to the
payment without trusting anything else in it.

``parse_webhook(payload, headers, query=…, remote_addr=…)`` needs the request's query string (CCBill
puts ``eventType`` there) and the client address (the sender allow-list): the webhook endpoint must
pass both. It checks, in order: sender network, optional URL token, our account/subaccount, the sale
digest (NewSaleSuccess/NewSaleFailure), then normalises to Stripe-style event types:

    NewSaleSuccess -> payment_intent.succeeded      NewSaleFailure -> payment_intent.payment_failed
    RenewalSuccess -> invoice.paid                  RenewalFailure -> invoice.payment_failed
    Refund, Void   -> charge.refunded               Chargeback     -> charge.dispute.created
    Cancellation   -> customer.subscription.updated Expiration     -> customer.subscription.deleted
    anything else  -> "ccbill.<EventType>" (the coordinator ignores unknown types)

CCBill sends no event id, so ``event_id`` is a hash of (event type, transaction/subscription id,
timestamp): a replayed postback gets the same id and the coordinator's unique constraint on
(provider, event_id) drops it. ``data`` carries only non-personal fields (ids, amount, currency,
reason/failure codes); names, e-mails, addresses and IPs in the postback are never copied.
``object_id`` is our payment reference for sale events (when echoed) and CCBill's
``subscriptionId`` otherwise; the coordinator stores ``data["subscription_id"]`` from
NewSaleSuccess because refunds and disputes refer to it.

Operations CCBill does not have
--------------------------------
- **Refunds** use the DataLink Subscription Management API (``subscriptionManagement.cgi``,
  ``action=refundTransaction``, ``subscriptionId``, optional ``amount``; https://ccbill.com/doc/ccbill-api-guide).
  It has **no idempotency key**: a timeout after the request was sent raises
  ``ProviderOutcomeUnknown`` (not retryable) and the coordinator must wait for the Refund webhook or
  check in the CCBill admin before trying again. Connection refused (nothing sent) is retryable.
- **Manual capture / escrow**: hosted-form sales are captured at once. Adult escrow is platform-held
  money in the ledger, refunded if the request is not delivered. ``capture_payment`` raises.
- **Cancel**: a signed FlexForms URL cannot be revoked. ``cancel_payment`` raises; a sale webhook for
  a payment we already expired must be refunded by the coordinator.
- **Retrieve**: there is no look-up by our reference; ``retrieve_payment`` raises. Postbacks are
  therefore processed from their authenticated content without a re-fetch
  (``payments.services.ccbill_events``; amounts are checked against our own record), and
  reconciliation relies on CCBill redelivering failed postbacks (and, later, DataLink extracts).
- **Capture and payouts are carried by the ledger**: CCBill settles every sale to the *platform's*
  bank account on its own schedule. The sale is posted like any capture (tax, platform fee, the
  creator's pending share); escrow is platform-held money in the ledger; creators on this route are
  paid by the platform's own payout rail (their connected account), not by CCBill. ``create_payout``
  raises.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, urlencode

from common.errors import WebhookSignatureInvalid
from payments.money import Money
from payments.providers import ccbill_signing as signing
from payments.providers.base import PaymentRequest, PaymentResult, PayoutResult, ProviderEvent, RefundResult
from payments.providers.provider_errors import (
    ProviderMisconfigured,
    ProviderOperationUnsupported,
    ProviderOutcomeUnknown,
    ProviderRequestRejected,
    ProviderUnavailable,
)

REFERENCE_PREFIX = "ccbill_ref_"
REFERENCE_FIELD = "fansubRef"
EVENT_TYPES = {
    "NewSaleSuccess": "payment_intent.succeeded",
    "NewSaleFailure": "payment_intent.payment_failed",
    "RenewalSuccess": "invoice.paid",
    "RenewalFailure": "invoice.payment_failed",
    "Refund": "charge.refunded",
    "Void": "charge.refunded",
    "Chargeback": "charge.dispute.created",
    "Cancellation": "customer.subscription.updated",
    "Expiration": "customer.subscription.deleted",
}
# Copied into ProviderEvent.data when present; nothing that identifies the fan.
SAFE_FIELDS = ("subscriptionId", "transactionId", "clientAccnum", "clientSubacc", "timestamp", "reason",
               "failureCode", "failureReason", "cardType", "paymentType", "threeDSecure", "scaResponseStatus",
               "flexId", "formName")


def _amount_from_postback(body: Mapping[str, Any], price_keys: Iterable[str],
                          currency_keys: Iterable[str]) -> Money | None:
    price = next((body[k] for k in price_keys if body.get(k)), None)
    code = next((str(body[k]).zfill(3) for k in currency_keys if body.get(k)), None)
    if price is None or code not in signing.CURRENCY_BY_CODE:
        return None
    currency = signing.CURRENCY_BY_CODE[code]
    try:
        # CCBill always writes two decimals; Money rejects a JPY amount with a fractional part.
        value = Decimal(str(price)).quantize(Decimal(1) if currency == "JPY" else Decimal("0.01"))
        return Money.from_decimal(value, currency)
    except (InvalidOperation, ValueError):
        return None


class CCBillProvider:
    name = "ccbill"
    # Postbacks are processed from their authenticated content (payments.services.ccbill_events):
    # there is nothing to re-fetch them from.
    trusted_postbacks = True
    # Subscriptions sold through the recurring FlexForm are rebilled by CCBill itself (RenewalSuccess/Failure
    # postbacks): the platform's own renewal run must not charge them (billing.renewals_billed_by_provider).
    bills_renewals = True
    # DataLink refunds name the sale (subscriptionId), not our reference, and take no idempotency key.
    refunds_by_charge_id = True
    refund_idempotent = False

    def __init__(self, *, client_accnum: str, client_subacc: str, flexform_id: str, salt: str,
                 flexforms_base_url: str = "https://api.ccbill.com/wap-frontflex/flexforms",
                 initial_period_days: int = 30, datalink_url: str = "", datalink_username: str = "",
                 datalink_password: str = "", webhook_networks: Iterable[str] = signing.DOCUMENTED_WEBHOOK_NETWORKS,
                 webhook_token: str = "", livemode: bool = True, timeout_seconds: float = 20.0) -> None:
        missing = [name for name, value in (("CCBILL_CLIENT_ACCNUM", client_accnum), ("CCBILL_CLIENT_SUBACC",
                   client_subacc), ("CCBILL_FLEXFORM_ID", flexform_id), ("CCBILL_SALT", salt)) if not value]
        if missing:
            raise ProviderMisconfigured(f"CCBill is not configured: {', '.join(missing)} missing.")
        if not 2 <= initial_period_days <= 365:
            raise ProviderMisconfigured("CCBILL_INITIAL_PERIOD_DAYS must be between 2 and 365.")
        self.client_accnum = str(client_accnum)
        self.client_subacc = str(client_subacc).zfill(4)
        self.flexform_id = flexform_id
        self.salt = salt
        self.flexforms_base_url = flexforms_base_url.rstrip("/")
        self.initial_period_days = initial_period_days
        self.datalink_url = datalink_url
        self.datalink_username = datalink_username
        self.datalink_password = datalink_password
        self.webhook_networks = tuple(webhook_networks)
        self.webhook_token = webhook_token
        self.livemode = livemode
        self.timeout_seconds = timeout_seconds

    @classmethod
    def from_settings(cls) -> CCBillProvider:
        from django.conf import settings

        return cls(client_accnum=settings.CCBILL_CLIENT_ACCNUM, client_subacc=settings.CCBILL_CLIENT_SUBACC,
                   flexform_id=settings.CCBILL_FLEXFORM_ID, salt=settings.CCBILL_SALT,
                   flexforms_base_url=settings.CCBILL_FLEXFORMS_BASE_URL,
                   initial_period_days=settings.CCBILL_INITIAL_PERIOD_DAYS,
                   datalink_url=settings.CCBILL_DATALINK_URL, datalink_username=settings.CCBILL_DATALINK_USERNAME,
                   datalink_password=settings.CCBILL_DATALINK_PASSWORD,
                   webhook_networks=settings.CCBILL_WEBHOOK_ALLOWED_NETWORKS,
                   webhook_token=settings.CCBILL_WEBHOOK_TOKEN, livemode=settings.CCBILL_LIVEMODE)

    # --- hosted payment ---------------------------------------------------------------------
    def currency_code(self, amount: Money) -> str:
        try:
            return signing.CURRENCY_CODES[amount.currency]
        except KeyError:
            raise ProviderRequestRejected(f"CCBill does not bill in {amount.currency}.",
                                          details={"currency": amount.currency}) from None

    def payment_form_url(self, amount: Money, reference: str) -> str:
        price = signing.price_string(amount)
        code = self.currency_code(amount)
        query = {
            "clientSubacc": self.client_subacc,
            "initialPrice": price,
            "initialPeriod": str(self.initial_period_days),
            "currencyCode": code,
            "formDigest": signing.single_billing_digest(price, self.initial_period_days, code, self.salt),
            REFERENCE_FIELD: reference,
        }
        return f"{self.flexforms_base_url}/{self.flexform_id}?{urlencode(query)}"

    def subscription_form_url(self, initial: Money, initial_period_days: int, recurring: Money,
                              recurring_period_days: int, num_rebills: int, reference: str) -> str:
        """CCBill-managed recurring billing for adult subscriptions (renewals arrive as Renewal* events)."""
        if initial.currency != recurring.currency:
            raise ValueError("initial and recurring prices must share a currency")
        code = self.currency_code(initial)
        initial_price, recurring_price = signing.price_string(initial), signing.price_string(recurring)
        query = {
            "clientSubacc": self.client_subacc,
            "initialPrice": initial_price,
            "initialPeriod": str(initial_period_days),
            "recurringPrice": recurring_price,
            "recurringPeriod": str(recurring_period_days),
            "numRebills": str(num_rebills),
            "currencyCode": code,
            "formDigest": signing.recurring_billing_digest(initial_price, initial_period_days, recurring_price,
                                                           recurring_period_days, num_rebills, code, self.salt),
            REFERENCE_FIELD: reference,
        }
        return f"{self.flexforms_base_url}/{self.flexform_id}?{urlencode(query)}"

    def create_payment(self, request: PaymentRequest) -> PaymentResult:
        if not request.capture:
            raise ProviderOperationUnsupported("CCBill hosted sales cannot be authorized without capture.")
        if request.destination_account or request.application_fee:
            # There is no split at CCBill: the whole sale settles to the platform, the ledger splits it.
            raise ProviderOperationUnsupported("CCBill has no destination charges; pay creators from the ledger.")
        reference = REFERENCE_PREFIX + request.local_payment_id
        terms = request.recurring
        if terms is not None:
            # CCBill rebills the subscription itself; its Renewal* postbacks name this sale's subscriptionId.
            url = self.subscription_form_url(request.amount, terms.initial_period_days, terms.amount,
                                             terms.period_days, terms.num_rebills, reference)
        else:
            url = self.payment_form_url(request.amount, reference)
        # Nothing is sent to CCBill yet, so the idempotency key has nothing to protect here: the same
        # request always yields the same URL, and only the fan's completed form creates a sale.
        return PaymentResult(provider_payment_id=reference, status="requires_action", amount=request.amount,
                             client_action={"type": "redirect", "url": url}, raw={"form_url": url})

    def retrieve_payment(self, provider_payment_id: str) -> PaymentResult:
        raise ProviderOperationUnsupported("CCBill has no look-up by reference; the sale webhook is authoritative.")

    def capture_payment(self, provider_payment_id: str, amount: Money, idempotency_key: str) -> PaymentResult:
        raise ProviderOperationUnsupported("CCBill sales are captured immediately; hold escrow in the ledger.")

    def cancel_payment(self, provider_payment_id: str, idempotency_key: str) -> PaymentResult:
        raise ProviderOperationUnsupported("A CCBill payment form cannot be revoked; refund a late sale instead.")

    def create_payout(self, account_ref: str, amount: Money, idempotency_key: str) -> PayoutResult:
        raise ProviderOperationUnsupported("CCBill pays the platform, not creators; use the platform's payout rail.")

    # --- refunds (DataLink Subscription Management API) ------------------------------------------
    def refund_payment(self, provider_payment_id: str, amount: Money, idempotency_key: str,
                       reason: str = "requested_by_customer") -> RefundResult:
        if provider_payment_id.startswith(REFERENCE_PREFIX) or not provider_payment_id.isdigit():
            raise ProviderOperationUnsupported(
                "Refund with the CCBill subscriptionId recorded from the NewSaleSuccess webhook.")
        if not (self.datalink_url and self.datalink_username and self.datalink_password):
            raise ProviderMisconfigured("CCBill DataLink credentials are not configured.")
        self.currency_code(amount)
        params = {
            "clientAccnum": self.client_accnum,
            "clientSubacc": self.client_subacc,
            "username": self.datalink_username,
            "password": self.datalink_password,
            "action": "refundTransaction",
            "subscriptionId": provider_payment_id,
            "amount": signing.price_string(amount),
            "returnXML": "1",
        }
        body = self._datalink(params)
        result = self._datalink_result(body)
        if result != "1":
            raise ProviderRequestRejected("CCBill refused the refund.", details={"ccbill_result": result})
        # CCBill returns no refund id; the Refund webhook that follows carries the transaction.
        return RefundResult(provider_refund_id=f"ccbill_refund_{provider_payment_id}_{idempotency_key}",
                            status="succeeded", amount=amount, raw={"results": result, "reason": reason})

    def _datalink(self, params: dict[str, str]) -> str:
        # The credentials travel in the query string because that is CCBill's documented interface;
        # the URL is never logged.
        url = f"{self.datalink_url}?{urlencode(params)}"
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_seconds) as response:  # noqa: S310
                return response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 or exc.code == 429:
                raise ProviderOutcomeUnknown(details={"http_status": exc.code}) from None
            raise ProviderRequestRejected(details={"http_status": exc.code}) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ConnectionRefusedError | socket.gaierror):
                raise ProviderUnavailable(details={"reason": "connection refused"}) from None
            raise ProviderOutcomeUnknown(details={"reason": str(exc.reason)}) from None
        except TimeoutError:
            raise ProviderOutcomeUnknown(details={"reason": "timeout"}) from None

    @staticmethod
    def _datalink_result(body: str) -> str:
        text = body.strip()
        if text.startswith("<"):
            try:
                node = ET.fromstring(text)  # noqa: S314 - a small response from a fixed host, no DTDs
            except ET.ParseError:
                return "unparseable"
            return (node.text or "").strip() if node.tag == "results" else (node.findtext("results") or "").strip()
        # CSV form: a "results" header line then the value line.
        lines = [line.strip().strip('"') for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else "empty"

    # --- webhooks ------------------------------------------------------------------------------
    def parse_webhook(self, payload: bytes, headers: Mapping[str, str], *, query: Mapping[str, str] | None = None,
                      remote_addr: str | None = None, **_context: Any) -> ProviderEvent:
        query = dict(query or {})
        if self.webhook_networks and not signing.address_allowed(remote_addr, self.webhook_networks):
            raise WebhookSignatureInvalid("sender is not in CCBill's webhook networks")
        if self.webhook_token and not signing.digest_matches(self.webhook_token.lower(),
                                                             (query.get("token") or "").lower()):
            raise WebhookSignatureInvalid("webhook URL token mismatch")
        body = self._decode_body(payload, headers)
        account = str(body.get("clientAccnum") or query.get("clientAccnum") or "")
        subaccount = str(body.get("clientSubacc") or query.get("clientSubacc") or "").zfill(4)
        if account != self.client_accnum or subaccount != self.client_subacc:
            raise WebhookSignatureInvalid("postback for another CCBill account")
        ccbill_type = query.get("eventType") or body.get("eventType") or ""
        if not ccbill_type:
            raise WebhookSignatureInvalid("eventType missing (the endpoint must pass the query string)")
        self._verify_sale_digest(ccbill_type, body)

        subscription_id = str(body.get("subscriptionId") or "")
        transaction_id = str(body.get("transactionId") or "")
        reference = str(body.get(REFERENCE_FIELD) or "")
        if ccbill_type in ("NewSaleSuccess", "NewSaleFailure") and reference.startswith(REFERENCE_PREFIX):
            object_id = reference
        else:
            object_id = subscription_id or transaction_id
        if not object_id:
            raise WebhookSignatureInvalid("postback names no transaction")
        amount = _amount_from_postback(
            body, ("billedInitialPrice", "billedRecurringPrice", "amount", "accountingAmount"),
            ("billedCurrencyCode", "currencyCode", "accountingCurrencyCode"))
        data: dict[str, Any] = {key: str(body[key]) for key in SAFE_FIELDS if body.get(key) not in (None, "")}
        data.update(ccbill_event_type=ccbill_type, subscription_id=subscription_id or None,
                    transaction_id=transaction_id or None,
                    payment_reference=reference if reference.startswith(REFERENCE_PREFIX) else None,
                    amount_minor=amount.minor if amount else None, currency=amount.currency if amount else None,
                    void=ccbill_type == "Void")
        identity = "|".join((ccbill_type, transaction_id or subscription_id, str(body.get("timestamp") or "")))
        return ProviderEvent(
            provider=self.name,
            event_id="ccbill_evt_" + hashlib.sha256(identity.encode()).hexdigest()[:32],
            event_type=EVENT_TYPES.get(ccbill_type, f"ccbill.{ccbill_type}"),
            object_id=object_id,
            livemode=self.livemode,  # CCBill has no test flag in postbacks: the account decides
            created=int(time.time()),
            data=data,
        )

    def _verify_sale_digest(self, ccbill_type: str, body: Mapping[str, Any]) -> None:
        received = body.get("dynamicPricingValidationDigest")
        if ccbill_type == "NewSaleSuccess":
            expected = signing.sale_success_digest(str(body.get("subscriptionId") or ""), self.salt)
        elif ccbill_type == "NewSaleFailure":
            expected = signing.sale_failure_digest(str(body.get("transactionId") or ""), self.salt)
        else:
            return
        if not signing.digest_matches(expected, str(received) if received else None):
            raise WebhookSignatureInvalid("dynamicPricingValidationDigest mismatch")

    @staticmethod
    def _decode_body(payload: bytes, headers: Mapping[str, str]) -> dict[str, Any]:
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        text = payload.decode("utf-8", "replace")
        if "json" in content_type or text.lstrip().startswith("{"):
            try:
                decoded = json.loads(text)
            except json.JSONDecodeError as exc:
                raise WebhookSignatureInvalid("malformed JSON postback") from exc
            if not isinstance(decoded, dict):
                raise WebhookSignatureInvalid("malformed JSON postback")
            return decoded
        return dict(parse_qsl(text, keep_blank_values=True))

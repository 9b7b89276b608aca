"""A small local Stripe for tests: a threaded HTTP server on 127.0.0.1 speaking Stripe's v1 wire format.

The adapter under test talks to it through the real ``stripe`` library (``base_addresses`` points
here), so request encoding, error decoding and idempotency headers are the library's own.

Implemented, following Stripe's documented behaviour:
- form-encoded bodies with bracketed keys (``transfer_data[destination]``, ``expand[0]``);
  JSON objects shaped like Stripe's (``object``, ``id`` prefixes, ``livemode``, ``metadata``);
- ``Authorization: Bearer <key>`` checked (401 otherwise);
- Idempotency-Key on POSTs, scoped by Stripe-Account: same key + same path and parameters replays
  the first response (``Idempotent-Replayed: true``); different parameters -> 400
  ``idempotency_error``. Like Stripe, validation failures (400) and 429/5xx are not saved; 2xx and
  402 (the endpoint ran) are;
- test payment methods: pm_card_visa (4242) / pm_card_mastercard / pm_card_jp succeed,
  pm_card_chargeDeclined (generic_decline), pm_card_chargeDeclinedInsufficientFunds
  (insufficient_funds), pm_card_authenticationRequired (3-D Secure, ``requires_action``);
- PaymentIntents (automatic/manual capture, capture, cancel, expand of latest_charge and its
  balance_transaction), refunds (reverse_transfer / refund_application_fee, proportional),
  destination charges and application fees, transfers and reversals, payouts from a connected
  account's balance, Express accounts and account links, customers, SetupIntents, saved cards;
- minimum charge amounts per currency and zero-decimal JPY.

Test controls: ``fail_next(status)``, ``complete_authentication(id)``, ``complete_onboarding(acct)``,
``signed_event(...)`` and the ``events`` list of what happened (shaped like Stripe events).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

MIN_CHARGE = {"usd": 50, "eur": 50, "gbp": 30, "cad": 50, "aud": 50, "chf": 50, "jpy": 50}
ZERO_DECIMAL = {"jpy"}

TEST_CARDS: dict[str, dict[str, Any]] = {
    "pm_card_visa": {"brand": "visa", "last4": "4242", "country": "US", "outcome": "succeed"},
    "pm_card_mastercard": {"brand": "mastercard", "last4": "4444", "country": "US", "outcome": "succeed"},
    "pm_card_jp": {"brand": "visa", "last4": "0003", "country": "JP", "outcome": "succeed"},
    "pm_card_chargeDeclined": {"brand": "visa", "last4": "0002", "country": "US", "outcome": "decline",
                               "decline_code": "generic_decline"},
    "pm_card_chargeDeclinedInsufficientFunds": {"brand": "visa", "last4": "9995", "country": "US",
                                                "outcome": "decline", "decline_code": "insufficient_funds"},
    "pm_card_authenticationRequired": {"brand": "visa", "last4": "3184", "country": "US", "outcome": "authenticate"},
}


class StripeHTTPError(Exception):
    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error.get("message"))
        self.status = status
        self.error = error


def invalid(message: str, param: str | None = None, code: str | None = None, status: int = 400) -> StripeHTTPError:
    return StripeHTTPError(status, {"type": "invalid_request_error", "message": message, "param": param,
                                    "code": code})


def parse_form(body: str) -> dict[str, Any]:
    """Stripe's bracket encoding back into nested dicts; dicts keyed 0..n become lists."""
    root: dict[str, Any] = {}
    for raw_key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+|\[\]", raw_key)
        node = root
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(value: Any) -> Any:
    if isinstance(value, dict):
        converted = {k: _listify(v) for k, v in value.items()}
        if converted and all(k.isdigit() for k in converted):
            return [converted[k] for k in sorted(converted, key=int)]
        return converted
    return value


def _bool(value: Any) -> bool:
    return str(value).lower() == "true"


def _int(params: dict[str, Any], name: str, required: bool = True) -> int | None:
    raw = params.get(name)
    if raw is None:
        if required:
            raise invalid(f"Missing required param: {name}.", name, "parameter_missing")
        return None
    if not re.fullmatch(r"-?\d+", str(raw)):
        raise invalid(f"Invalid integer: {raw}", name, "parameter_invalid_integer")
    return int(raw)


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 0
    replayed: bool = False


@dataclass
class FakeStripe:
    api_key: str = "sk_test_fake_platform_key"
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    balances: dict[tuple[str, str], int] = field(default_factory=dict)  # (account, currency) -> available

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._idempotency: dict[tuple[str, str], tuple[str, int, bytes]] = {}
        self._failures: deque[int] = deque()
        self._lost: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., dict[str, Any]]]] = [
            ("POST", re.compile(r"/v1/customers"), self._create_customer),
            ("GET", re.compile(r"/v1/customers/(?P<id>[^/]+)"), self._get("customer")),
            ("GET", re.compile(r"/v1/customers/(?P<id>[^/]+)/payment_methods"), self._list_customer_pms),
            ("POST", re.compile(r"/v1/payment_methods/(?P<id>[^/]+)/detach"), self._detach_pm),
            ("POST", re.compile(r"/v1/setup_intents"), self._create_setup_intent),
            ("GET", re.compile(r"/v1/setup_intents/(?P<id>[^/]+)"), self._get("setup_intent")),
            ("POST", re.compile(r"/v1/payment_intents"), self._create_payment_intent),
            ("GET", re.compile(r"/v1/payment_intents/search"), self._search_payment_intents),
            ("GET", re.compile(r"/v1/payment_intents/(?P<id>[^/]+)"), self._get_payment_intent),
            ("POST", re.compile(r"/v1/payment_intents/(?P<id>[^/]+)/capture"), self._capture),
            ("POST", re.compile(r"/v1/payment_intents/(?P<id>[^/]+)/cancel"), self._cancel),
            ("POST", re.compile(r"/v1/refunds"), self._create_refund),
            ("GET", re.compile(r"/v1/refunds/(?P<id>[^/]+)"), self._get("refund")),
            ("POST", re.compile(r"/v1/transfers"), self._create_transfer),
            ("GET", re.compile(r"/v1/transfers/(?P<id>[^/]+)"), self._get("transfer")),
            ("POST", re.compile(r"/v1/transfers/(?P<id>[^/]+)/reversals"), self._create_reversal),
            ("GET", re.compile(r"/v1/transfers/(?P<id>[^/]+)/reversals"), self._list_reversals),
            ("GET", re.compile(r"/v1/disputes"), self._list_disputes),
            ("GET", re.compile(r"/v1/disputes/(?P<id>[^/]+)"), self._get("dispute")),
            ("POST", re.compile(r"/v1/payouts"), self._create_payout),
            ("POST", re.compile(r"/v1/accounts"), self._create_account),
            ("GET", re.compile(r"/v1/accounts/(?P<id>[^/]+)"), self._get("account")),
            ("POST", re.compile(r"/v1/account_links"), self._create_account_link),
        ]

    # --- server lifecycle ----------------------------------------------------------------
    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stall

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                status, payload, extra = fake.handle(self.command, self.path, dict(self.headers.items()), body)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Request-Id", f"req_fake{next(fake._ids)}")
                for key, value in extra.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- test controls ---------------------------------------------------------------------
    def lose_next_answer(self, path: str) -> None:
        """Do the next POST to ``path`` but lose its answer (a timeout after Stripe acted): the caller
        sees a 500; the same idempotency key later replays what was really done."""
        with self._lock:
            self._lost.append(path)

    def fail_next(self, status: int = 429, times: int = 1) -> None:
        """Answer the next ``times`` requests with ``status`` (429 rate limit, 500/503 outage)."""
        with self._lock:
            self._failures.extend([status] * times)

    def complete_authentication(self, intent_id: str, succeed: bool = True) -> dict[str, Any]:
        """The fan finished (or failed) the 3-D Secure challenge in the browser."""
        with self._lock:
            obj = self.objects[intent_id]
            if obj["status"] != "requires_action":
                raise AssertionError(f"{intent_id} is {obj['status']}")
            obj["next_action"] = None
            if obj["object"] == "setup_intent":
                obj["status"] = "succeeded" if succeed else "requires_payment_method"
                return obj
            if not succeed:
                obj["status"] = "requires_payment_method"
                obj["last_payment_error"] = {"type": "card_error", "code": "payment_intent_authentication_failure",
                                             "message": "The provided PaymentMethod has failed authentication."}
                self._emit("payment_intent.payment_failed", obj)
                return obj
            self._authorize(obj)
            return obj

    def take_events(self) -> list[dict[str, Any]]:
        """The events emitted since the last call (what Stripe would deliver next)."""
        with self._lock:
            start = getattr(self, "_delivered", 0)
            self._delivered = len(self.events)
            return self.events[start:]

    def open_dispute(self, intent_id: str, reason: str = "fraudulent", amount: int | None = None) -> dict[str, Any]:
        """The fan's bank disputes the charge: funds (and Stripe's 15.00 dispute fee) leave the platform."""
        with self._lock:
            intent = self._find(intent_id, "payment_intent")
            charge = self.objects[intent["latest_charge"]]
            value = amount or charge["amount_captured"]
            now = int(time.time())
            dispute = self._store({
                "id": self._new_id("dp"), "object": "dispute", "amount": value, "currency": charge["currency"],
                "charge": charge["id"], "payment_intent": intent_id, "reason": reason, "status": "needs_response",
                "is_charge_refundable": False, "metadata": {},
                "evidence_details": {"due_by": now + 7 * 86400, "has_evidence": False, "past_due": False,
                                     "submission_count": 0},
                "balance_transactions": [{"amount": -value, "fee": 1500, "currency": charge["currency"],
                                          "type": "adjustment"}],
            })
            charge["disputed"] = True
            self._credit("platform", charge["currency"], -value - 1500)
            self._emit("charge.dispute.created", dispute)
            self._emit("charge.dispute.funds_withdrawn", dispute)
            return dispute

    def close_dispute(self, dispute_id: str, won: bool) -> dict[str, Any]:
        with self._lock:
            dispute = self._find(dispute_id, "dispute")
            if dispute["status"] in ("won", "lost"):
                raise AssertionError(f"{dispute_id} is already {dispute['status']}")
            dispute["status"] = "won" if won else "lost"
            if won:
                dispute["balance_transactions"].append({"amount": dispute["amount"], "fee": -1500,
                                                         "currency": dispute["currency"], "type": "adjustment"})
                self._credit("platform", dispute["currency"], dispute["amount"] + 1500)
                self._emit("charge.dispute.funds_reinstated", dispute)
            self._emit("charge.dispute.closed", dispute)
            return dispute

    def fail_refund(self, refund_id: str, reason: str = "expired_or_canceled_card") -> dict[str, Any]:
        """A refund that had succeeded fails (the card was closed): the money returns to the platform."""
        with self._lock:
            refund = self._find(refund_id, "refund")
            charge = self.objects[refund["charge"]]
            refund.update(status="failed", failure_reason=reason)
            charge["amount_refunded"] -= refund["amount"]
            charge["refunded"] = False
            self._credit("platform", refund["currency"], refund["amount"])
            self._emit("charge.refund.updated", self._public(refund))
            self._emit("refund.failed", self._public(refund))
            return refund

    def require(self, account_id: str, currently_due: list[str], payouts_enabled: bool = False) -> dict[str, Any]:
        """Stripe asks the creator for more (e.g. a new ID document): payouts stop until it is provided."""
        with self._lock:
            account = self.objects[account_id]
            account["requirements"] = {**account.get("requirements", {}), "currently_due": list(currently_due),
                                       "disabled_reason": None if payouts_enabled else "requirements.past_due"}
            account["payouts_enabled"] = payouts_enabled
            self._emit("account.updated", account, account=account_id)
            return account

    def bank_payout(self, account_id: str, fail: bool = False) -> dict[str, Any]:
        """The connected account's own schedule pays (or fails to pay) its bank from its balance."""
        with self._lock:
            currency = next((c for (a, c) in self.balances if a == account_id), "usd")
            amount = self.balances.get((account_id, currency), 0)
            payout = self._store({"id": self._new_id("po"), "object": "payout", "amount": amount,
                                  "currency": currency, "status": "failed" if fail else "paid",
                                  "failure_code": "account_closed" if fail else None, "automatic": True,
                                  "method": "standard", "metadata": {}})
            if not fail:
                self._credit(account_id, currency, -amount)
            self._emit("payout.failed" if fail else "payout.paid", payout, account=account_id)
            return payout

    def reverse_in_dashboard(self, transfer_id: str, amount: int) -> dict[str, Any]:
        """A reversal made by someone in Stripe's dashboard (not through our API)."""
        with self._lock:
            transfer = self._find(transfer_id, "transfer")
            reversal = self._reverse(transfer, amount, {})
            self._emit("transfer.reversed", self._public(transfer))
            return reversal

    def complete_onboarding(self, account_id: str) -> dict[str, Any]:
        with self._lock:
            account = self.objects[account_id]
            account.update(charges_enabled=True, payouts_enabled=True, details_submitted=True,
                           capabilities={"transfers": "active"},
                           requirements={"currently_due": [], "eventually_due": [], "past_due": [],
                                         "disabled_reason": None})
            self._emit("account.updated", account, account=account_id)
            return account

    def signed_event(self, event: dict[str, Any], secret: str, timestamp: int | None = None) -> tuple[bytes, dict]:
        """Serialise and sign an event with Stripe's own signing code, as Stripe would deliver it."""
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
        return payload.encode(), {"Stripe-Signature": header, "Content-Type": "application/json"}

    def make_event(self, event_type: str, obj: dict[str, Any], livemode: bool = False,
                   account: str | None = None) -> dict[str, Any]:
        event = {"id": self._new_id("evt"), "object": "event", "api_version": "2025-01-27.acacia",
                 "created": int(time.time()), "data": {"object": json.loads(json.dumps(obj))},
                 "livemode": livemode, "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
                 "type": event_type}
        if account:
            event["account"] = account
        return event

    # --- dispatch ------------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: str) -> tuple[int, bytes, dict]:
        parts = urlsplit(raw_path)
        params = parse_form(body if method == "POST" else parts.query)
        lower = {k.lower(): v for k, v in headers.items()}
        record = RecordedRequest(method, parts.path, params, lower)
        with self._lock:
            self.requests.append(record)
            if self._failures:
                status = self._failures.popleft()
                record.status = status
                kind = "rate_limit_error" if status == 429 else "api_error"
                return status, json.dumps({"error": {"type": kind, "message": "fake failure"}}).encode(), {}
            if lower.get("authorization") != f"Bearer {self.api_key}":
                record.status = 401
                error = {"type": "invalid_request_error", "message": "Invalid API Key provided."}
                return 401, json.dumps({"error": error}).encode(), {}
            key = lower.get("idempotency-key")
            scope = (lower.get("stripe-account", ""), key or "")
            fingerprint = json.dumps([method, parts.path, params], sort_keys=True)
            if method == "POST" and key and scope in self._idempotency:
                first_fingerprint, status, payload = self._idempotency[scope]
                if first_fingerprint != fingerprint:
                    record.status = 400
                    error = {"type": "idempotency_error",
                             "message": "Keys for idempotent requests can only be used with the same parameters "
                                        "they were first used with. Try using a key other than "
                                        f"'{key}' if you meant to execute a different request."}
                    return 400, json.dumps({"error": error}).encode(), {}
                record.status, record.replayed = status, True
                return status, payload, {"Idempotent-Replayed": "true", "Idempotency-Key": key}
            status, payload = self._route(method, parts.path, params, lower)
            record.status = status
            if method == "POST" and key and (200 <= status < 300 or status == 402):
                self._idempotency[scope] = (fingerprint, status, payload)
            if method == "POST" and parts.path in self._lost:
                self._lost.remove(parts.path)
                return 500, json.dumps({"error": {"type": "api_error", "message": "fake lost answer"}}).encode(), {}
            return status, payload, ({"Idempotency-Key": key} if key else {})

    def _route(self, method: str, path: str, params: dict[str, Any], headers: dict[str, str]) -> tuple[int, bytes]:
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                try:
                    return 200, json.dumps(handler(params, headers, **match.groupdict())).encode()
                except StripeHTTPError as exc:
                    return exc.status, json.dumps({"error": exc.error}).encode()
        return 404, json.dumps({"error": {"type": "invalid_request_error",
                                          "message": f"Unrecognized request URL ({method}: {path})."}}).encode()

    # --- helpers ---------------------------------------------------------------------------
    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):08d}"

    def _find(self, object_id: str, kind: str) -> dict[str, Any]:
        obj = self.objects.get(object_id)
        if not obj or obj["object"] != kind:
            raise invalid(f"No such {kind}: '{object_id}'", "id", "resource_missing", status=404)
        return obj

    def _get(self, kind: str) -> Callable[..., dict[str, Any]]:
        def handler(params: dict[str, Any], headers: dict[str, str], id: str) -> dict[str, Any]:
            return self._public(self._find(id, kind))
        return handler

    def _store(self, obj: dict[str, Any]) -> dict[str, Any]:
        obj.setdefault("livemode", False)
        obj.setdefault("created", int(time.time()))
        self.objects[obj["id"]] = obj
        return obj

    def _emit(self, event_type: str, obj: dict[str, Any], account: str | None = None) -> None:
        self.events.append(self.make_event(event_type, obj, account=account))

    def _card(self, payment_method: str, customer: str | None) -> dict[str, Any]:
        if payment_method in TEST_CARDS:
            return TEST_CARDS[payment_method]
        stored = self.objects.get(payment_method)
        if not stored or stored["object"] != "payment_method":
            raise invalid(f"No such PaymentMethod: '{payment_method}'", "payment_method", "resource_missing")
        if customer and stored.get("customer") not in (None, customer):
            raise invalid("The provided PaymentMethod belongs to another Customer.", "payment_method")
        if stored.get("customer") and not customer:
            raise invalid("The provided PaymentMethod belongs to a Customer. Please include the Customer in the "
                          "`customer` parameter on the PaymentIntent.", "payment_method")
        if stored.get("_detached"):
            raise invalid("The provided PaymentMethod was previously used with a PaymentIntent without Customer "
                          "attachment, shared with a connected account without Customer attachment, or was "
                          "detached from a Customer. It may not be used again.", "payment_method")
        return stored["_card"]

    # --- customers, setup intents, saved cards ------------------------------------------------
    def _create_customer(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        return self._store({"id": self._new_id("cus"), "object": "customer", "email": params.get("email"),
                            "metadata": params.get("metadata", {})})

    def _create_setup_intent(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        customer = params.get("customer")
        if customer:
            self._find(customer, "customer")
        sid = self._new_id("seti")
        intent = {"id": sid, "object": "setup_intent", "customer": customer,
                  "usage": params.get("usage", "off_session"), "client_secret": f"{sid}_secret_fake",
                  "payment_method": None, "next_action": None,
                  "status": "requires_payment_method", "metadata": params.get("metadata", {})}
        if params.get("payment_method") and _bool(params.get("confirm")):
            card = self._card(params["payment_method"], customer)
            if card["outcome"] == "decline":
                raise StripeHTTPError(402, {"type": "card_error", "code": "card_declined",
                                            "decline_code": card["decline_code"], "message": "Your card was declined.",
                                            "setup_intent": intent})
            pm = self._store({"id": self._new_id("pm"), "object": "payment_method", "type": "card",
                              "customer": customer, "_card": card,
                              "card": {"brand": card["brand"], "last4": card["last4"], "country": card["country"],
                                       "exp_month": 12, "exp_year": 2034}})
            intent["payment_method"] = pm["id"]
            if card["outcome"] == "authenticate":
                intent["status"] = "requires_action"
                intent["next_action"] = {"type": "use_stripe_sdk",
                                         "use_stripe_sdk": {"type": "three_d_secure_redirect"}}
            else:
                intent["status"] = "succeeded"
        return self._store(intent)

    def _list_customer_pms(self, params: dict[str, Any], headers: dict[str, str], id: str) -> dict[str, Any]:
        self._find(id, "customer")
        data = [{k: v for k, v in o.items() if not k.startswith("_")} for o in self.objects.values()
                if o["object"] == "payment_method" and o.get("customer") == id]
        return {"object": "list", "data": data, "has_more": False, "url": f"/v1/customers/{id}/payment_methods"}

    def _detach_pm(self, params: dict[str, Any], headers: dict[str, str], id: str) -> dict[str, Any]:
        pm = self._find(id, "payment_method")
        if not pm.get("customer"):
            raise invalid("The payment method you provided is not attached to a customer so detachment is impossible.")
        pm["customer"] = None
        pm["_detached"] = True
        return {k: v for k, v in pm.items() if not k.startswith("_")}

    # --- payment intents ---------------------------------------------------------------------
    def _create_payment_intent(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        amount = _int(params, "amount")
        currency = params.get("currency", "")
        if currency not in MIN_CHARGE:
            raise invalid(f"Invalid currency: {currency}.", "currency")
        if amount < MIN_CHARGE[currency]:
            raise invalid("Amount must be at least the minimum charge amount.", "amount", "amount_too_small")
        customer = params.get("customer")
        if customer:
            self._find(customer, "customer")
        destination = (params.get("transfer_data") or {}).get("destination")
        fee = _int(params, "application_fee_amount", required=False)
        if fee is not None and not destination and not headers.get("stripe-account"):
            raise invalid("Can only apply an application_fee_amount when the PaymentIntent is attempting a direct "
                          "payment or a destination payment.", "application_fee_amount")
        if fee is not None and not 0 <= fee <= amount:
            raise invalid("application_fee_amount must be between 0 and amount.", "application_fee_amount")
        if destination:
            account = self.objects.get(destination)
            if not account or account["object"] != "account":
                raise invalid(f"No such destination: '{destination}'", "transfer_data[destination]",
                              "resource_missing")
            if (account.get("capabilities") or {}).get("transfers") != "active":
                raise invalid("Your destination account needs to have at least one of the following capabilities "
                              "enabled: transfers, crypto_transfers, legacy_payments",
                              "transfer_data[destination]", "insufficient_capabilities_for_transfer")
        capture_method = params.get("capture_method", "automatic")
        pid = self._new_id("pi")
        intent = {
            "id": pid, "object": "payment_intent", "amount": amount, "currency": currency,
            "amount_capturable": 0, "amount_received": 0, "capture_method": capture_method,
            "client_secret": f"{pid}_secret_fake", "customer": customer, "payment_method": params.get("payment_method"),
            "latest_charge": None, "last_payment_error": None, "next_action": None, "status": "requires_payment_method",
            "metadata": params.get("metadata", {}), "application_fee_amount": fee,
            "transfer_data": {"destination": destination} if destination else None,
            "statement_descriptor_suffix": params.get("statement_descriptor_suffix"),
            "canceled_at": None, "cancellation_reason": None,
        }
        self._store(intent)
        if not (params.get("payment_method") and _bool(params.get("confirm"))):
            return intent
        card = self._card(params["payment_method"], customer)
        intent["_card"] = card
        if card["outcome"] == "decline":
            charge = self._new_charge(intent, card, status="failed")
            intent["latest_charge"] = charge["id"]
            error = {"type": "card_error", "code": "card_declined", "decline_code": card["decline_code"],
                     "message": "Your card was declined.", "charge": charge["id"],
                     "payment_method": {"id": params["payment_method"], "object": "payment_method"}}
            intent["last_payment_error"] = {k: v for k, v in error.items() if k != "payment_method"}
            self._emit("payment_intent.payment_failed", self._public(intent))
            raise StripeHTTPError(402, {**error, "payment_intent": self._public(intent)})
        if card["outcome"] == "authenticate":
            intent["status"] = "requires_action"
            intent["next_action"] = {"type": "use_stripe_sdk",
                                     "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": "https://hooks.stripe.com/fake"}}
            return self._expand(self._public(intent), params)
        self._authorize(intent)
        return self._expand(self._public(intent), params)

    def _authorize(self, intent: dict[str, Any]) -> None:
        charge = self._new_charge(intent, intent["_card"], status="succeeded")
        intent["latest_charge"] = charge["id"]
        intent["next_action"] = None
        if intent["capture_method"] == "manual":
            intent["status"] = "requires_capture"
            intent["amount_capturable"] = intent["amount"]
            self._emit("payment_intent.amount_capturable_updated", self._public(intent))
        else:
            self._settle(intent, charge, intent["amount"])

    def _new_charge(self, intent: dict[str, Any], card: dict[str, Any], status: str) -> dict[str, Any]:
        return self._store({
            "id": self._new_id("ch"), "object": "charge", "amount": intent["amount"], "currency": intent["currency"],
            "amount_captured": 0, "amount_refunded": 0, "captured": False, "paid": status == "succeeded",
            "status": status, "payment_intent": intent["id"], "balance_transaction": None, "transfer": None,
            "application_fee": None, "application_fee_amount": intent["application_fee_amount"],
            "destination": (intent["transfer_data"] or {}).get("destination"), "refunded": False,
            "disputed": False,
            "payment_method_details": {"type": "card", "card": {"brand": card["brand"], "last4": card["last4"],
                                                                "country": card["country"]}},
        })

    def _settle(self, intent: dict[str, Any], charge: dict[str, Any], amount: int) -> None:
        currency = intent["currency"]
        # Stripe's US card pricing, enough to give the fee a realistic shape.
        fee = round(amount * 0.029) + (0 if currency in ZERO_DECIMAL else 30)
        txn = self._store({"id": self._new_id("txn"), "object": "balance_transaction", "amount": amount,
                           "currency": currency, "fee": fee, "net": amount - fee, "type": "charge",
                           "source": charge["id"]})
        charge.update(captured=True, amount_captured=amount, balance_transaction=txn["id"])
        intent.update(status="succeeded", amount_received=amount, amount_capturable=0)
        destination = (intent["transfer_data"] or {}).get("destination")
        # The platform's own balance (settled at once here; Stripe makes it available after a few days).
        self._credit("platform", currency, amount - fee - (amount if destination else 0)
                     + (intent.get("application_fee_amount") or 0 if destination else 0))
        if destination:
            transfer = self._store({"id": self._new_id("tr"), "object": "transfer", "amount": amount,
                                    "currency": currency, "destination": destination, "amount_reversed": 0,
                                    "reversed": False, "source_transaction": charge["id"]})
            charge["transfer"] = transfer["id"]
            self._credit(destination, currency, amount)
            app_fee = intent.get("application_fee_amount")
            if app_fee:
                fee_obj = self._store({"id": self._new_id("fee"), "object": "application_fee", "amount": app_fee,
                                       "amount_refunded": 0, "currency": currency, "account": destination,
                                       "charge": charge["id"]})
                charge["application_fee"] = fee_obj["id"]
                self._credit(destination, currency, -app_fee)
        self._emit("payment_intent.succeeded", self._public(intent))
        self._emit("charge.succeeded", charge)

    def _credit(self, account: str, currency: str, amount: int) -> None:
        self.balances[(account, currency)] = self.balances.get((account, currency), 0) + amount

    @staticmethod
    def _public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    def _expand(self, intent: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        expand = params.get("expand") or []
        if isinstance(expand, str):
            expand = [expand]
        result = dict(intent)
        if intent.get("latest_charge") and any(e.startswith("latest_charge") for e in expand):
            charge = dict(self.objects[intent["latest_charge"]])
            if "latest_charge.balance_transaction" in expand and charge.get("balance_transaction"):
                charge["balance_transaction"] = self.objects[charge["balance_transaction"]]
            result["latest_charge"] = charge
        return result

    def _get_payment_intent(self, params: dict[str, Any], headers: dict[str, str], id: str) -> dict[str, Any]:
        return self._expand(self._public(self._find(id, "payment_intent")), params)

    def _capture(self, params: dict[str, Any], headers: dict[str, str], id: str) -> dict[str, Any]:
        intent = self._find(id, "payment_intent")
        if intent["status"] != "requires_capture":
            raise invalid(f"This PaymentIntent could not be captured because it has a status of {intent['status']}. "
                          "Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
                          code="payment_intent_unexpected_state")
        amount = _int(params, "amount_to_capture", required=False) or intent["amount_capturable"]
        if amount > intent["amount_capturable"]:
            raise invalid("The amount to capture is larger than the amount capturable.", "amount_to_capture",
                          "amount_too_large")
        self._settle(intent, self.objects[intent["latest_charge"]], amount)
        return self._expand(self._public(intent), params)

    def _cancel(self, params: dict[str, Any], headers: dict[str, str], id: str) -> dict[str, Any]:
        intent = self._find(id, "payment_intent")
        if intent["status"] in ("succeeded", "canceled"):
            raise invalid(f"You cannot cancel this PaymentIntent because it has a status of {intent['status']}.",
                          code="payment_intent_unexpected_state")
        intent.update(status="canceled", amount_capturable=0, canceled_at=int(time.time()),
                      cancellation_reason=params.get("cancellation_reason"), next_action=None)
        self._emit("payment_intent.canceled", self._public(intent))
        return self._expand(self._public(intent), params)

    # --- refunds, transfers, payouts -------------------------------------------------------------
    def _create_refund(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        intent = self._find(params.get("payment_intent", ""), "payment_intent")
        if intent["status"] != "succeeded":
            raise invalid("This PaymentIntent does not have a successful charge to refund.", "payment_intent",
                          "charge_not_refundable" if intent["status"] != "requires_capture" else
                          "payment_intent_unexpected_state")
        charge = self.objects[intent["latest_charge"]]
        remaining = charge["amount_captured"] - charge["amount_refunded"]
        if remaining <= 0:
            raise invalid(f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded")
        amount = _int(params, "amount", required=False) or remaining
        if amount > remaining:
            raise invalid(f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                          "amount", "amount_too_large")
        refund = {"id": self._new_id("re"), "object": "refund", "amount": amount, "currency": charge["currency"],
                  "charge": charge["id"], "payment_intent": intent["id"], "status": "succeeded",
                  "reason": params.get("reason"), "metadata": params.get("metadata", {}),
                  "transfer_reversal": None, "source_transfer_reversal": None}
        if _bool(params.get("reverse_transfer")) and charge.get("transfer"):
            transfer = self.objects[charge["transfer"]]
            share = round(amount * transfer["amount"] / charge["amount_captured"])
            reversal = self._reverse(transfer, share, {})
            refund["transfer_reversal"] = reversal["id"]
        if _bool(params.get("refund_application_fee")) and charge.get("application_fee"):
            fee = self.objects[charge["application_fee"]]
            back = round(amount * fee["amount"] / charge["amount_captured"])
            fee["amount_refunded"] += back
            self._credit(fee["account"], fee["currency"], back)
            self._credit("platform", fee["currency"], -back)
            refund["_application_fee_refunded"] = back
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount_captured"]
        self._credit("platform", charge["currency"], -amount)
        self._store(refund)
        self._emit("refund.created", self._public(refund))
        self._emit("charge.refunded", charge)
        return self._public(refund)

    def _reverse(self, transfer: dict[str, Any], amount: int, metadata: dict[str, Any]) -> dict[str, Any]:
        if amount <= 0 or amount > transfer["amount"] - transfer["amount_reversed"]:
            raise invalid("Transfer reversal amount is greater than the remaining transfer amount.", "amount")
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        self._credit(transfer["destination"], transfer["currency"], -amount)
        self._credit("platform", transfer["currency"], amount)
        reversal = self._store({"id": self._new_id("trr"), "object": "transfer_reversal", "amount": amount,
                                "currency": transfer["currency"], "transfer": transfer["id"],
                                "metadata": metadata})
        transfer.setdefault("_reversals", []).append(reversal["id"])
        return reversal

    def _create_transfer(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        amount = _int(params, "amount")
        destination = params.get("destination", "")
        account = self.objects.get(destination)
        if not account or account["object"] != "account":
            raise invalid(f"No such destination: '{destination}'", "destination", "resource_missing")
        if (account.get("capabilities") or {}).get("transfers") != "active":
            raise invalid("Your destination account needs to have at least one of the following capabilities "
                          "enabled: transfers, crypto_transfers, legacy_payments", "destination",
                          "insufficient_capabilities_for_transfer")
        source = params.get("source_transaction")
        currency = params.get("currency", "")
        if currency not in MIN_CHARGE:
            raise invalid(f"Invalid currency: {currency}.", "currency")
        if source:
            self._find(source, "charge")
        elif amount > self.balances.get(("platform", currency), 0):
            raise invalid("You have insufficient available funds in your Stripe account. Try adding funds directly "
                          "to your available balance by creating Charges using the 4000000000000077 test card.",
                          "amount", "balance_insufficient")
        transfer = self._store({"id": self._new_id("tr"), "object": "transfer", "amount": amount,
                                "currency": currency, "destination": destination,
                                "amount_reversed": 0, "reversed": False, "source_transaction": source,
                                "transfer_group": params.get("transfer_group"),
                                "metadata": params.get("metadata", {})})
        self._credit(destination, currency, amount)
        self._credit("platform", currency, -amount)
        self._emit("transfer.created", self._public(transfer))
        return self._public(transfer)

    def _create_reversal(self, params: dict[str, Any], headers: dict[str, str], id: str) -> dict[str, Any]:
        transfer = self._find(id, "transfer")
        amount = _int(params, "amount", required=False) or transfer["amount"] - transfer["amount_reversed"]
        reversal = self._reverse(transfer, amount, params.get("metadata", {}))
        self._emit("transfer.reversed", self._public(transfer))
        return reversal

    def _list_reversals(self, params: dict[str, Any], headers: dict[str, str], id: str) -> dict[str, Any]:
        transfer = self._find(id, "transfer")
        data = [self.objects[r] for r in transfer.get("_reversals", [])]
        return {"object": "list", "data": data, "has_more": False, "url": f"/v1/transfers/{id}/reversals"}

    def _list_disputes(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        data = [o for o in self.objects.values() if o["object"] == "dispute"
                and (not params.get("payment_intent") or o["payment_intent"] == params["payment_intent"])]
        data.sort(key=lambda o: o["id"], reverse=True)  # newest first, like Stripe
        limit = int(params.get("limit") or 10)
        return {"object": "list", "data": data[:limit], "has_more": len(data) > limit, "url": "/v1/disputes"}

    def _search_payment_intents(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        match = re.fullmatch(r"metadata\['(?P<key>\w+)'\]:'(?P<value>[^']*)'", params.get("query", ""))
        if not match:
            raise invalid("Unsupported search query in the fake.", "query")
        data = [self._public(o) for o in self.objects.values() if o["object"] == "payment_intent"
                and (o.get("metadata") or {}).get(match["key"]) == match["value"]]
        return {"object": "search_result", "data": data, "has_more": False, "url": "/v1/payment_intents/search"}

    def _create_payout(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        account_id = headers.get("stripe-account")
        if not account_id:
            raise invalid("Payouts to creators must be created on their connected account (Stripe-Account).")
        account = self._find(account_id, "account")
        if not account.get("payouts_enabled"):
            raise invalid("Payouts are not enabled for this account.", code="payouts_not_allowed")
        amount = _int(params, "amount")
        currency = params.get("currency", "")
        available = self.balances.get((account_id, currency), 0)
        if amount > available:
            raise invalid("You have insufficient funds in your Stripe account for this transfer.", "amount",
                          "balance_insufficient")
        self._credit(account_id, currency, -amount)
        payout = self._store({"id": self._new_id("po"), "object": "payout", "amount": amount, "currency": currency,
                              "status": "pending", "failure_code": None, "method": "standard",
                              "metadata": params.get("metadata", {})})
        self._emit("payout.created", payout, account=account_id)
        return payout

    # --- connect -----------------------------------------------------------------------------
    def _create_account(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        if params.get("type") not in ("express", "standard", "custom"):
            raise invalid("Invalid account type.", "type")
        requested = {name for name, spec in (params.get("capabilities") or {}).items()
                     if _bool((spec or {}).get("requested"))}
        return self._store({
            "id": self._new_id("acct"), "object": "account", "type": params["type"],
            "country": params.get("country", "US"), "email": params.get("email"),
            "charges_enabled": False, "payouts_enabled": False, "details_submitted": False,
            "capabilities": {name: "inactive" for name in requested},
            "requirements": {"currently_due": ["external_account", "individual.dob.day", "tos_acceptance.date"],
                             "eventually_due": [], "past_due": [], "disabled_reason": "requirements.past_due"},
            "settings": params.get("settings", {}), "metadata": params.get("metadata", {}),
        })

    def _create_account_link(self, params: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        account = self._find(params.get("account", ""), "account")
        for name in ("refresh_url", "return_url"):
            if not params.get(name):
                raise invalid(f"Missing required param: {name}.", name, "parameter_missing")
        if params.get("type") not in ("account_onboarding", "account_update"):
            raise invalid("Invalid type.", "type")
        now = int(time.time())
        return {"object": "account_link", "created": now, "expires_at": now + 300,
                "url": f"https://connect.stripe.com/setup/e/{account['id']}/fake{next(self._ids)}"}

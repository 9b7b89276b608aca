"""The one interface every payment provider implements (simulator, Stripe, high-risk processor).

Data crosses it as small frozen dataclasses; providers never see product models or the ledger.
The coordinator (payments.services) writes its local record first, builds the idempotency key
from local ids and the operation, then calls the provider.
"""

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from payments.money import Money

PaymentStatus = Literal["succeeded", "requires_capture", "requires_action", "processing", "failed", "canceled"]
RefundStatus = Literal["succeeded", "pending", "failed"]
PayoutStatus = Literal["paid", "pending", "in_transit", "failed", "canceled"]


@dataclass(frozen=True)
class RecurringTerms:
    """Billing the processor repeats on its own schedule after the first charge (CCBill's recurring FlexForm).
    Providers that do not bill renewals themselves ignore it: the platform's renewal run charges them."""

    amount: Money                   # each rebill, tax included
    period_days: int                # between rebills
    initial_period_days: int        # what the first charge pays for
    num_rebills: int = 99           # CCBill's "until cancelled"


@dataclass(frozen=True)
class PaymentRequest:
    local_payment_id: str           # our Payment row id, written before this call
    amount: Money                   # what the fan pays, tax included
    idempotency_key: str            # "<operation>:<local id>" — unique per operation and target
    payment_method: str             # provider token / saved method id / simulator test card number
    customer_ref: str | None = None
    capture: bool = True            # False: authorize only (manual capture, escrow holds)
    # Unused by the coordinator: the platform charges the fan (separate charges and transfers) and
    # pays each creator by a Transfer at payout time. Kept for adapters' own tests.
    destination_account: str | None = None
    application_fee: Money | None = None
    statement_descriptor: str = "FANSUB"
    metadata: dict[str, str] = field(default_factory=dict)
    recurring: RecurringTerms | None = None


@dataclass(frozen=True)
class PaymentResult:
    provider_payment_id: str
    status: PaymentStatus
    amount: Money
    amount_captured: Money | None = None
    client_action: dict[str, Any] | None = None  # e.g. {"type": "redirect", "url": ...} for 3-D Secure
    decline_code: str | None = None
    failure_message: str | None = None
    card_country: str | None = None              # tax evidence (issuing country)
    processor_fee: Money | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    # Optional, filled by adapters that can: the coordinator reconciles refunds and disputes from a
    # re-fetched payment instead of trusting a webhook payload.
    amount_refunded: Money | None = None
    dispute_id: str | None = None
    dispute_status: str | None = None   # Stripe's: warning_needs_response, needs_response, under_review, won, lost
    dispute_amount: Money | None = None
    dispute_reason: str | None = None
    dispute_evidence_due_by: int | None = None  # unix time
    dispute_fee: Money | None = None    # the provider's dispute fee, net of any refund of it
    charge_id: str | None = None        # the provider's charge (Stripe ch_…) or sale (CCBill subscriptionId)


@dataclass(frozen=True)
class RefundResult:
    provider_refund_id: str
    status: RefundStatus
    amount: Money
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PayoutResult:
    provider_payout_id: str
    status: PayoutStatus
    amount: Money
    failure_code: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook/postback, normalised. ``object_id`` is re-fetched before acting on it."""

    provider: str
    event_id: str
    event_type: str          # provider's own type, e.g. "payment_intent.succeeded"
    object_id: str
    livemode: bool
    created: int
    data: dict[str, Any] = field(default_factory=dict)
    # Optional: the provider payment (PaymentIntent) the event concerns, when the object is a charge,
    # refund or dispute — lets the coordinator find the local Payment and re-fetch it.
    payment_id: str | None = None


@dataclass(frozen=True)
class PaymentMethodDetails:
    """What a provider knows about a payment method before charging it (tax evidence, receipts)."""

    brand: str | None = None
    last4: str | None = None
    country: str | None = None  # issuing country


@dataclass(frozen=True)
class SavedCardResult:
    """A card the provider keeps for a customer: its ids and what may be shown, never the number."""

    customer_ref: str
    payment_method_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    country: str | None = None


@dataclass(frozen=True)
class AccountStatus:
    account_ref: str
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool = False
    currently_due: tuple[str, ...] = ()
    disabled_reason: str | None = None


@dataclass(frozen=True)
class ReversalResult:
    provider_reversal_id: str
    amount: Money
    raw: dict[str, Any] = field(default_factory=dict)


class ProviderError(Exception):
    """The provider could not be reached or answered with an error that is not a decline.
    The coordinator leaves its write-ahead row for reconcile to re-drive with the same idempotency key."""


class PaymentProvider(Protocol):
    name: str

    def create_payment(self, request: PaymentRequest) -> PaymentResult: ...

    def retrieve_payment(self, provider_payment_id: str) -> PaymentResult: ...

    def capture_payment(self, provider_payment_id: str, amount: Money, idempotency_key: str) -> PaymentResult: ...

    def cancel_payment(self, provider_payment_id: str, idempotency_key: str) -> PaymentResult: ...

    def refund_payment(self, provider_payment_id: str, amount: Money, idempotency_key: str,
                       reason: str = "requested_by_customer") -> RefundResult: ...

    def create_payout(self, account_ref: str, amount: Money, idempotency_key: str) -> PayoutResult: ...

    def parse_webhook(self, payload: bytes, headers: dict[str, str]) -> ProviderEvent:
        """Verify the provider's signature and return the event; raise WebhookSignatureInvalid.

        Callers also pass ``query=`` (the request's query string) and ``remote_addr=`` (the sender's
        address) as keywords; implementations that do not need them accept and ignore ``**kwargs``.
        """
        ...


class OptionalCapabilities(Protocol):
    """Methods a provider MAY have; the coordinator checks with getattr() and degrades without them.

    - payment_method_details: issuing country as tax evidence before the charge.
    - retrieve_payout / retrieve_account: re-fetch for payout.* and account.updated webhooks.
    - create_customer / save_card / detach_card: saved cards (class attribute ``saves_cards = True``); a
      saved card is charged as ``PaymentRequest.payment_method`` with its ``customer_ref``.
    """

    def payment_method_details(self, payment_method: str) -> PaymentMethodDetails | None: ...

    def retrieve_payout(self, provider_payout_id: str) -> PayoutResult: ...

    def retrieve_account(self, account_ref: str) -> AccountStatus: ...

    def create_customer(self, reference: str, idempotency_key: str, email: str | None = None) -> str: ...

    def save_card(self, customer_ref: str, payment_method: str, idempotency_key: str) -> SavedCardResult: ...

    def detach_card(self, payment_method_id: str, idempotency_key: str) -> None: ...

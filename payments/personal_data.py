"""How payments' personal data is kept: money records are retained under legal obligations."""

from django.conf import settings

from governance import registry
from governance.registry import Keep
from payments.models import (
    ConnectedAccount,
    Payment,
    PaymentCustomer,
    Receipt,
    RefundRequest,
    SaleRecord,
    SavedPaymentMethod,
    TransferReversal,
    WebhookDelivery,
)
from payments.services import saved_methods
from payments.services.webhooks import purge_bodies

_TEN_YEARS = Keep(after="created_at", years=settings.TAX_RECORDS_RETENTION_YEARS, action="none")
_TAX = (f"Tax law: sales records and the evidence of the customer's location are kept "
        f"{settings.TAX_RECORDS_RETENTION_YEARS} years (EU VAT OSS, art. 63c Reg. 282/2011; UK VAT).")

registry.register(
    Payment, user_path="fan",
    fields=("public_id", "purpose", "reference", "amount", "currency", "tax_amount", "status", "created_at",
            "amount_refunded", "tax_country", "payment_method_label"),
    erasure="retain", retention_reason=f"Accounting and payment-dispute records. {_TAX}", keep=_TEN_YEARS,
)
# Saved cards: the provider's ids and what the fan sees of the card (never its number); gone with the account.
registry.register(
    SavedPaymentMethod, user_path="fan",
    fields=("public_id", "provider", "brand", "last4", "exp_month", "exp_year", "country", "created_at"),
    erasure="delete",
)
registry.register(PaymentCustomer, user_path="fan", fields=("provider", "provider_customer_id", "created_at"),
                  erasure="delete")
registry.register(
    Receipt, user_path="buyer",
    fields=("number", "kind", "issued_at", "buyer_handle", "currency", "total", "tax_total", "tax_country"),
    erasure="retain", retention_reason=f"Receipts and credit notes are accounting documents. {_TAX}",
    keep=Keep(after="issued_at", years=settings.TAX_RECORDS_RETENTION_YEARS, action="none"),
)
registry.register(
    SaleRecord, user_path="buyer",
    fields=("country", "region", "evidence", "currency", "net_amount", "tax_amount", "created_at"),
    erasure="retain", retention_reason=_TAX, keep=_TEN_YEARS,
)
registry.register(
    ConnectedAccount, user_path="creator",
    fields=("provider", "account_ref", "payouts_enabled", "details_submitted", "requirements_due", "disabled_reason"),
    erasure="retain", retention_reason="Payout records: accounting law and anti-money-laundering rules.",
    keep=Keep(after="updated_at", years=settings.TAX_RECORDS_RETENTION_YEARS, action="none"),
)
registry.register(
    # The provider's refusal text only (never typed by a person), kept with the payout it reverses.
    TransferReversal, user_path="payout__creator",
    fields=("public_id", "amount", "currency", "cause", "status", "failure_message", "created_at"),
    erasure="retain", retention_reason="Payout records: accounting law and anti-money-laundering rules.",
    keep=_TEN_YEARS,
)
registry.register(
    # Not attributable to a user (no path): the exporter and eraser below say so explicitly.
    WebhookDelivery, user_path="",
    fields=(), erasure="retain",
    retention_reason=(f"Raw provider webhooks may carry billing details; kept "
                      f"{settings.PAYMENTS_WEBHOOK_BODY_RETENTION_DAYS} days as dispute and reconciliation "
                      f"evidence, then emptied by payments.purge_webhook_bodies."),
    exporter=lambda user: [], eraser=lambda user: 0,
)
registry.register(
    # The fan's own words are erased; the request and its decision stay with the payment they concern.
    RefundRequest, user_path="fan",
    fields=("public_id", "reason", "message", "amount_requested", "currency", "status", "amount_refunded",
            "created_at", "decided_at"),
    erasure="pseudonymize", pseudonymized_values={"message": ""},
)
registry.register_sweep(
    "payments.WebhookDelivery.body",
    Keep(after="received_at", days=settings.PAYMENTS_WEBHOOK_BODY_RETENTION_DAYS, basis="legitimate interest"),
    lambda now: purge_bodies(now),
)


def _detach_saved_cards(user: object) -> dict[str, int]:
    return saved_methods.detach_all(user)


registry.register_closing_step("payments.saved_cards", _detach_saved_cards)

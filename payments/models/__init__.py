from common.errors import AppendOnlyError
from payments.models.idempotency import IdempotentRequest
from payments.models.ledger import AccountType, LedgerAccount, LedgerEntry, LedgerTransaction
from payments.models.payments import Dispute, EscrowState, Payment, PaymentStatus, Refund
from payments.models.payouts import ConnectedAccount, FailedPayout, Payout, TransferReversal
from payments.models.receipts import Receipt, ReceiptCounter, SaleRecord
from payments.models.refund_requests import RefundRequest
from payments.models.simulator import SimulatorObject
from payments.models.webhooks import WebhookDelivery, WebhookEvent

__all__ = [
    "AccountType", "AppendOnlyError", "ConnectedAccount", "Dispute", "EscrowState", "IdempotentRequest",
    "LedgerAccount", "LedgerEntry", "LedgerTransaction", "Payment", "PaymentStatus", "Payout", "Receipt",
    "ReceiptCounter", "Refund", "SaleRecord", "SimulatorObject", "WebhookDelivery", "WebhookEvent",
]
from payments.models.saved_methods import PaymentCustomer, SavedPaymentMethod
from payments.models.statements import CreatorStatement

__all__ += ["CreatorStatement", "FailedPayout", "PaymentCustomer", "RefundRequest", "SavedPaymentMethod",
            "TransferReversal"]

"""How tips and pay-per-view purchases are exported and erased."""

from django.conf import settings

from fansub.purchases.models import MessageUnlock, PostPurchase, PostPurchaseItem, Tip
from fansub.purchases.services import billing
from governance import registry
from governance.registry import FINANCIAL_RECORD, Keep

_TEN_YEARS = Keep(after="created_at", years=settings.TAX_RECORDS_RETENTION_YEARS, action="none")

registry.register(PostPurchase, user_path="fan", fields=("post_id", "created_at", "revoked_at"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD, keep=_TEN_YEARS)
registry.register(Tip, user_path="fan", fields=("creator__handle", "amount_minor", "currency", "note", "created_at"),
                  erasure="pseudonymize", pseudonymized_values={"note": ""})
registry.register(MessageUnlock, user_path="fan", fields=("message_id", "created_at", "revoked_at"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD, keep=_TEN_YEARS)
registry.register(PostPurchaseItem, user_path="purchase__fan", fields=("purchase_id", "media_item_id"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD)  # kept with its purchase


def _settle_balances(user: object) -> dict[str, object]:
    """Account deletion: a creator's earned balance is not forfeited. It stays in the ledger (kept by law) and
    the daily payout run pays it to the connected account; without one it is held for the creator."""
    if getattr(user, "role", "") != "creator":
        return {}
    money = billing.creator_money(user)
    payable = bool(money.account and money.account.payouts_enabled)
    return {"balances": [str(b) for b in money.balances],
            "disposition": "paid out by the next payout run" if payable else "held (no payout account)"}


registry.register_closing_step("purchases.balances", _settle_balances)

"""How tips and pay-per-view purchases are exported and erased."""

from fansub.purchases.models import MessageUnlock, PostPurchase, PostPurchaseItem, Tip
from governance import registry
from governance.registry import FINANCIAL_RECORD

registry.register(PostPurchase, user_path="fan", fields=("post_id", "created_at", "revoked_at"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD)
registry.register(Tip, user_path="fan", fields=("creator__handle", "amount_minor", "currency", "note", "created_at"),
                  erasure="pseudonymize", pseudonymized_values={"note": ""})
registry.register(MessageUnlock, user_path="fan", fields=("message_id", "created_at", "revoked_at"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD)
registry.register(PostPurchaseItem, user_path="purchase__fan", fields=("purchase_id", "media_item_id"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD)

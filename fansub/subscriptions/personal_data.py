"""How subscriptions' personal data is exported and erased."""

from fansub.subscriptions.models import Subscription
from governance import registry
from governance.registry import FINANCIAL_RECORD

registry.register(Subscription, user_path="fan",
                  fields=("creator__handle", "tier__name", "status", "current_period_start", "current_period_end"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD)

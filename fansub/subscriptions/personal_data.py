"""How subscriptions' personal data is exported and erased."""

from django.conf import settings

from fansub.subscriptions.models import Subscription
from fansub.subscriptions.services import subscriptions
from governance import registry
from governance.registry import FINANCIAL_RECORD, Keep

registry.register(Subscription, user_path="fan",
                  fields=("creator__handle", "tier__name", "status", "current_period_start", "current_period_end"),
                  erasure="retain", retention_reason=FINANCIAL_RECORD,
                  keep=Keep(after="current_period_end", years=settings.TAX_RECORDS_RETENTION_YEARS, action="none"))


def _cancel_all(user: object) -> dict[str, int]:
    """Account deletion: every running subscription stops renewing (the fan's own cancel service)."""
    running = Subscription.objects.filter(fan=user, status__in=["trialing", "active", "past_due"])
    ids = list(running.values_list("pk", flat=True))
    for pk in ids:
        subscriptions.cancel(user, pk)
    return {"canceled": len(ids)}


registry.register_closing_step("subscriptions.cancel", _cancel_all)

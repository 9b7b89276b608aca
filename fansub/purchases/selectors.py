"""Read-only questions other apps ask about purchases."""

from typing import Any

from django.db.models import Subquery, Sum

from fansub.purchases.models import Tip, TipStatus


def tip_total_minor_exp(creator: Any) -> Subquery:
    """A creator's succeeded tips summed (minor units; None when there are none), as an expression
    (``creator`` an ``OuterRef``): a page asks it inside its own query."""
    return Subquery(Tip.objects.filter(creator=creator, status=TipStatus.SUCCEEDED).order_by()
                    .values("creator").annotate(total=Sum("amount_minor")).values("total")[:1])

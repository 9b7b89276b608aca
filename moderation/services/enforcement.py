"""Account enforcement: the shared contract between the Trust & Safety engineers.

minimal version; the T&S engineer's implementation replaces this at merge.
"""

from typing import Any

from django.db import transaction

from governance.services import audit
from moderation.models import PayoutFreeze


def ban_account(user: Any, *, reason: str, actor: Any = None, source: str = "moderation") -> None:
    """Ends the account (minimal version: inactive + audit row; the full one also ends subscriptions with
    pro-rata refunds, revokes sessions and tokens, freezes payouts, emits an event and notifies the user)."""
    with transaction.atomic():
        type(user).objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        audit.record(actor=actor, action="moderation.account_banned", obj=user, reason=reason,
                     details={"source": source})


def freeze_payouts(user: Any, *, reason: str, actor: Any = None, source: str = "moderation") -> None:
    """Payout runs skip this creator until a staff member lifts the freeze (audited)."""
    with transaction.atomic():
        if not PayoutFreeze.objects.filter(user=user, lifted_at__isnull=True).exists():
            PayoutFreeze.objects.create(user=user, reason=reason[:64], source=source[:32])
        audit.record(actor=actor, action="moderation.payouts_frozen", obj=user, reason=reason,
                     details={"source": source})


def payouts_blocked_reason(creator: Any) -> str | None:
    """The payments hook PAYOUTS_BLOCKED (registered in ModerationConfig.ready)."""
    return "payouts_frozen" if PayoutFreeze.objects.filter(user=creator, lifted_at__isnull=True).exists() else None

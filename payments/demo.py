"""Demo money for `make run`: charges by the demo fans, a partial refund and a lost dispute; and a month of
money that is over (last month: sales of each kind, a refund, a paid payout and a failed one, then the
creators' monthly statements), so the studio's money page has payouts and statements to show.

Idempotent: every charge and refund uses a fixed idempotency key, so a second load replays them.
Called from fansub.demo (payments imports no product app; users are found by handle).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from config.celery import ensure_broker_folders
from payments.errors import PayoutNotAllowed
from payments.models import Payment, Payout
from payments.money import Money
from payments.providers.simulator import FAIL_PAYOUTS_ACCOUNT, SimulatorProvider
from payments.services import payouts, purchases, refund_requests, statements
from payments.tax.location import TaxEvidence

CHARGES = [
    # fan, creator, amount, currency, purpose, reference, key, card, evidence
    ("vera_fan", "chef_marco", 500, "GBP", "tip", "demo-tip-1", "demo:vera:tip", "4000008260000000",
     TaxEvidence(billing_country="GB", ip_country="GB")),
    ("vera_fan", "luna_nights", 1299, "GBP", "ppv", "demo-ppv-1", "demo:vera:ppv", "4000008260000000",
     TaxEvidence(billing_country="GB", ip_country="GB")),
    ("nico_fan", "luna_nights", 999, "USD", "subscription", "demo-sub-1", "demo:nico:sub", "4242424242424242",
     TaxEvidence(billing_country="US", billing_region="TX", ip_country="US")),
    ("dieter_fan", "chef_marco", 1000, "EUR", "tip", "demo-tip-2", "demo:dieter:tip", "4000002760000016",
     TaxEvidence(billing_country="DE", ip_country="DE")),
    ("dieter_fan", "chef_marco", 2500, "EUR", "custom_request", "demo-custom-1", "demo:dieter:dispute",
     "4000000000000259", TaxEvidence(billing_country="DE", ip_country="DE", confirmed_country="DE")),
]


def load(report: Any) -> None:

    ensure_broker_folders()  # the simulator's webhooks and receipt emails are queued for the worker
    users = {u.handle: u for u in get_user_model().objects.filter(
        handle__in={c[0] for c in CHARGES} | {c[1] for c in CHARGES})}
    if len(users) < 5:
        return
    made: dict[str, Payment] = {}
    for fan, creator, minor, currency, purpose, reference, key, card, evidence in CHARGES:
        outcome = purchases.charge(users[fan], users[creator], Money(minor, currency), purpose, reference, key, card,
                                   tax_evidence=evidence, description=f"Demo {purpose.replace('_', ' ')}")
        made[key] = outcome.payment
    load_last_month(users, report)  # before today's accounts: last month's payouts pick their own
    # A partial refund of Vera's pay-per-view purchase.
    ppv = made["demo:vera:ppv"]
    purchases.refund(ppv, Money(300, "GBP"), "goodwill", idempotency_key="demo:vera:ppv:refund",
                     note="demo: partial refund")
    # An open refund request for chef_marco to decide in the studio (asking again returns the open one).
    tip = made["demo:vera:tip"]
    if not tip.refund_requests.exists():
        refund_requests.request_refund(users["vera_fan"], str(tip.public_id), reason="accidental",
                                       message="I meant to tip 5 once, the page sent it twice")
    # The dispute card's chargeback, lost. Webhooks need a worker; re-fetch directly instead.
    disputed = purchases.refresh_from_provider(made["demo:dieter:dispute"])
    if not disputed.disputes.filter(status__in=["won", "lost"]).exists():
        SimulatorProvider().close_dispute(disputed.provider_payment_id, won=False)
        purchases.refresh_from_provider(disputed)
    for handle in ("luna_nights", "chef_marco"):
        payouts.connect_account(users[handle], "simulator", f"acct_sim_demo_{handle}")
        SimulatorProvider().set_account_status(f"acct_sim_demo_{handle}", charges_enabled=True, payouts_enabled=True)
        account = users[handle].payout_accounts.get(account_ref=f"acct_sim_demo_{handle}")
        payouts.update_account_status(account, charges_enabled=True, payouts_enabled=True)
    report.notes.append("Payments: 5 demo charges (one partially refunded, one lost chargeback); "
                        "fans see them under /payments/purchases/ (vera_fan has an open refund request that "
                        "chef_marco decides at /studio/money/refunds/). Check the books: manage.py ledger_verify")


GB_CARD, DE_CARD, US_CARD = "4000008260000000", "4000002760000016", "4242424242424242"
LAST_MONTH = [
    # fan, creator, amount, currency, purpose, reference, key, card, evidence
    ("vera_fan", "luna_nights", 3000, "GBP", "tip", "demo-lm-tip-1", "demo:lm:vera:tip", GB_CARD,
     TaxEvidence(billing_country="GB", ip_country="GB")),
    ("vera_fan", "luna_nights", 1500, "GBP", "subscription", "demo-lm-sub-1", "demo:lm:vera:sub", GB_CARD,
     TaxEvidence(billing_country="GB", ip_country="GB")),
    ("vera_fan", "luna_nights", 800, "GBP", "ppv_message", "demo-lm-msg-1", "demo:lm:vera:msg", GB_CARD,
     TaxEvidence(billing_country="GB", ip_country="GB")),
    ("dieter_fan", "chef_marco", 3000, "EUR", "tip", "demo-lm-tip-2", "demo:lm:dieter:tip", DE_CARD,
     TaxEvidence(billing_country="DE", ip_country="DE")),
    ("dieter_fan", "chef_marco", 900, "EUR", "ppv_post", "demo-lm-ppv-1", "demo:lm:dieter:ppv", DE_CARD,
     TaxEvidence(billing_country="DE", ip_country="DE")),
]


@contextmanager
def _on(moment: datetime) -> Iterator[None]:
    """Demo data only: record what happens as if at ``moment`` (every timestamp the models and services take
    comes from django.utils.timezone.now), so last month is a month that is over and can be stated."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def load_last_month(users: dict[str, Any], report: Any) -> None:
    today = timezone.now().date()
    period = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    start = datetime(period.year, period.month, 2, 12, tzinfo=UTC)
    made: dict[str, Payment] = {}
    with _on(start):
        for fan, creator, minor, currency, purpose, reference, key, card, evidence in LAST_MONTH:
            made[key] = purchases.charge(users[fan], users[creator], Money(minor, currency), purpose, reference, key,
                                         card, tax_evidence=evidence,
                                         description=f"Demo {purpose.replace('_', ' ')} (last month)").payment
    with _on(start + timedelta(days=1)):  # a refund fans asked for: half of Dieter's pay-per-view
        purchases.refund(made["demo:lm:dieter:ppv"], Money(540, "EUR"), "requested_by_customer",
                         idempotency_key="demo:lm:dieter:ppv:refund", note="demo: partial refund")
    paid_on = start + timedelta(days=settings.PAYOUT_HOLD_DAYS, hours=1)
    if paid_on.month == start.month and not Payout.objects.filter(creator__handle__in=["luna_nights",
                                                                                       "chef_marco"]).exists():
        with _on(paid_on):
            payouts.release_pending(now=paid_on)
            _payout(users["luna_nights"], "GBP", fail_first=True)
            _payout(users["chef_marco"], "EUR")
    for handle in ("luna_nights", "chef_marco"):
        for currency in ("GBP", "EUR", "USD"):
            if Payment.objects.filter(creator=users[handle], currency=currency, posted=True).exists():
                statements.generate(users[handle].pk, currency, period)
    report.notes.append(f"Payments: {period:%B %Y} is stated (studio → Your money → statements as page, PDF, CSV); "
                        "luna_nights has a failed payout (account closed) and its paid retry, chef_marco a paid one")


def _payout(creator: Any, currency: str, *, fail_first: bool = False) -> None:
    """Pay out ``creator``'s available balance; ``fail_first``: first to a bank account that turns out closed
    (the payout fails, the money is available again, that account is switched off), then to the good one."""
    refs = ([FAIL_PAYOUTS_ACCOUNT] if fail_first else []) + [f"acct_sim_demo_{creator.handle}"]
    for ref in refs:
        account = payouts.connect_account(creator, "simulator", ref)
        SimulatorProvider().set_account_status(ref, charges_enabled=True, payouts_enabled=True)
        payouts.update_account_status(account, charges_enabled=True, payouts_enabled=True)
        try:
            payouts.create_payout(creator, currency)
        except PayoutNotAllowed:
            return
        if ref == FAIL_PAYOUTS_ACCOUNT:
            payouts.update_account_status(account, charges_enabled=True, payouts_enabled=False)

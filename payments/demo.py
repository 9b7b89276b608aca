"""Demo money for `make run`: charges by the demo fans, a partial refund and a lost dispute.

Idempotent: every charge and refund uses a fixed idempotency key, so a second load replays them.
Called from fansub.demo (payments imports no product app; users are found by handle).
"""

from typing import Any

from django.contrib.auth import get_user_model

from config.celery import ensure_broker_folders
from payments.models import Payment
from payments.money import Money
from payments.providers.simulator import SimulatorProvider
from payments.services import payouts, purchases
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
    # A partial refund of Vera's pay-per-view purchase.
    ppv = made["demo:vera:ppv"]
    purchases.refund(ppv, Money(300, "GBP"), "goodwill", idempotency_key="demo:vera:ppv:refund",
                     note="demo: partial refund")
    # The dispute card's chargeback, lost. Webhooks need a worker; re-fetch directly instead.
    disputed = purchases.refresh_from_provider(made["demo:dieter:dispute"])
    if not disputed.disputes.filter(status__in=["won", "lost"]).exists():
        SimulatorProvider().close_dispute(disputed.provider_payment_id, won=False)
        purchases.refresh_from_provider(disputed)
    for handle in ("luna_nights", "chef_marco"):
        payouts.connect_account(users[handle], "simulator", f"acct_sim_demo_{handle}")
        SimulatorProvider().set_account_status(f"acct_sim_demo_{handle}", charges_enabled=True, payouts_enabled=True)
        account = users[handle].payout_accounts.get()
        payouts.update_account_status(account, charges_enabled=True, payouts_enabled=True)
    report.notes.append("Payments: 5 demo charges (one partially refunded, one lost chargeback); "
                        "fans see them under /payments/purchases/. Check the books: manage.py ledger_verify")

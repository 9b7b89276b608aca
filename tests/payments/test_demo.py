import pytest
from django.core.management import call_command
from django.db import models

from fansub.custom_requests.models import CustomRequest
from fansub.demo import people as demo
from fansub.subscriptions.models import Subscription
from payments.models import CreatorStatement, Dispute, Payment, Payout, Refund, RefundRequest

pytestmark = pytest.mark.django_db


def test_demo_money_is_idempotent_and_the_books_balance(capsys):
    for _ in range(2):
        report = demo.DemoReport()
        for step in demo.steps():
            step(report)
    first_run = Payment.objects.count()
    report = demo.DemoReport()
    for step in demo.steps():
        step(report)
    assert Payment.objects.count() == first_run  # a third run adds nothing either
    assert Payment.objects.filter(description__startswith="Demo ", status="succeeded").count() == 10
    # Last month is over: payouts (one failed to a closed account, then paid) and monthly statements.
    assert set(Payout.objects.values_list("status", flat=True)) == {"paid", "failed"}
    assert Payout.objects.filter(status="failed", failure_code="account_closed").exists()
    assert CreatorStatement.objects.filter(creator__handle="luna_nights").exists()
    chef = CreatorStatement.objects.get(creator__handle="chef_marco", currency="EUR")
    assert set(chef.by_product) == {"tips", "ppv"} and chef.refunds < 0 and chef.payouts < 0 and chef.gross > 0
    assert RefundRequest.objects.get().status == "requested"  # one open request, not one per load
    assert Refund.objects.filter(payment__amount_refunded__lt=models.F("payment__amount")).exists()  # partial
    assert Dispute.objects.get().status == "lost" and Refund.objects.count() >= 1
    # The product demo: subscriptions and custom requests in every state.
    assert set(Subscription.objects.values_list("status", flat=True)) == {
        "active", "trialing", "past_due", "canceled", "expired"}
    assert set(CustomRequest.objects.values_list("status", flat=True)) == {
        "submitted", "countered", "accepted", "delivered", "completed", "declined", "withdrawn", "expired",
        "refunded", "disputed", "resolved"}
    call_command("ledger_verify")
    assert "ledger OK" in capsys.readouterr().out

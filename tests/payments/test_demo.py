import pytest
from django.core.management import call_command

from fansub import demo
from payments.models import Dispute, Payment, Refund

pytestmark = pytest.mark.django_db


def test_demo_money_is_idempotent_and_the_books_balance(capsys):
    for _ in range(2):
        report = demo.DemoReport()
        for step in demo.steps():
            step(report)
    assert Payment.objects.filter(status="succeeded").count() == 5
    assert Refund.objects.count() == 1 and Dispute.objects.get().status == "lost"
    call_command("ledger_verify")
    assert "ledger OK" in capsys.readouterr().out

import pytest
from django.core import mail
from django.db import transaction

from payments.models import Receipt, ReceiptCounter
from payments.services import purchases, receipts
from tests.factories import PASSWORD, make_fan
from tests.payments.conftest import GB, GB_CARD, gbp

pytestmark = pytest.mark.django_db


def _buy(fan, creator, key="k", minor=1000):
    return purchases.charge(fan, creator, gbp(minor), "ppv", "post-9", key, GB_CARD, tax_evidence=GB,
                            description="Beach set (12 photos)").payment


def test_numbers_are_sequential_and_a_rollback_gives_the_number_back(fan, creator):
    _buy(fan, creator, "a")
    series = Receipt.objects.get().series
    with pytest.raises(RuntimeError), transaction.atomic():
        assert receipts.next_number(series) == 2
        raise RuntimeError("the charge failed after numbering")
    _buy(fan, creator, "b")
    assert list(Receipt.objects.order_by("sequence").values_list("sequence", flat=True)) == [1, 2]
    assert ReceiptCounter.objects.get(series=series).next_number == 3


def test_receipt_page_is_owner_only(client, fan, creator):
    receipt = _buy(fan, creator).receipts.get()
    url = f"/payments/receipts/{receipt.public_id}/"
    assert client.get(url).status_code == 302  # login first
    client.login(email=make_fan(handle="other_fan").email, password=PASSWORD)
    assert client.get(url).status_code == 404
    assert client.get(url + "pdf/").status_code == 404
    client.login(email=fan.email, password=PASSWORD)
    page = client.get(url).content.decode()
    for expected in (receipt.number, "Fan-Sub Ltd", f"@{fan.handle}", "Beach set (12 photos)", "VAT", "20%",
                     "£12.00", "£2.00", "platform fee (20%)"):
        assert expected in page, expected
    pdf = client.get(url + "pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_purchase_history_lists_receipts_and_credit_notes(client, fan, creator, django_assert_max_num_queries):
    for n in range(3):
        payment = _buy(fan, creator, f"k{n}")
    purchases.refund(payment, gbp(100), "goodwill", idempotency_key="r")
    client.login(email=fan.email, password=PASSWORD)
    # session, user, the nav's unread count, payments, receipts, refund requests, the sampled request event (3)
    with django_assert_max_num_queries(9):
        page = client.get("/payments/purchases/").content.decode()
    assert page.count("R-") == 3 and "CN-" in page and f"@{creator.handle}" in page
    for _ in range(5):
        payment = _buy(fan, creator, f"more{_}")
    with django_assert_max_num_queries(9):
        client.get("/payments/purchases/")


def test_receipt_and_credit_note_are_emailed_once(fan, creator):
    from payments.tasks import send_receipt_emails

    payment = _buy(fan, creator)
    purchases.refund(payment, gbp(600), "goodwill", idempotency_key="r")
    assert send_receipt_emails() == 2
    assert send_receipt_emails() == 0 and len(mail.outbox) == 2
    subjects = [m.subject for m in mail.outbox]
    assert any(s.startswith("Your receipt R-") for s in subjects)
    assert any(s.startswith("Your credit note CN-") for s in subjects)
    note = next(m for m in mail.outbox if "credit note" in m.subject)
    assert payment.receipts.get(kind="receipt").number in note.body  # refers to the original
    assert note.to == [fan.email]

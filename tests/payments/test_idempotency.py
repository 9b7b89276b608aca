import threading

import pytest
from django.contrib.auth.models import Permission
from django.db import connection, connections

from payments.models import IdempotentRequest, LedgerTransaction, Payment, Receipt, Refund, SimulatorObject
from payments.services import purchases
from payments.services.verify import verify
from tests.factories import make_creator, make_fan, make_staff, verified
from tests.payments.conftest import GB, GB_CARD, gbp


def _finance_staff():
    staff = make_staff()
    staff.user_permissions.add(Permission.objects.get(codename="refund_payment"))
    return verified(staff)  # a refund needs staff powers, which exist only after the second factor


@pytest.mark.django_db
def test_money_endpoint_without_the_header_is_refused(api_client, fan, creator):
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    api_client.force_authenticate(_finance_staff())
    response = api_client.post(f"/api/v1/payments/{payment.public_id}/refunds/", {"reason": "goodwill"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert Refund.objects.count() == 0


@pytest.mark.django_db
def test_replay_returns_the_first_response_and_a_new_body_conflicts(api_client, fan, creator):
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    staff = _finance_staff()
    api_client.force_authenticate(staff)
    url = f"/api/v1/payments/{payment.public_id}/refunds/"
    first = api_client.post(url, {"reason": "goodwill", "amount_minor": 300}, HTTP_IDEMPOTENCY_KEY="abc")
    assert first.status_code == 201
    again = api_client.post(url, {"amount_minor": 300, "reason": "goodwill"}, HTTP_IDEMPOTENCY_KEY="abc")
    assert again.status_code == 201 and again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    other = api_client.post(url, {"reason": "goodwill", "amount_minor": 400}, HTTP_IDEMPOTENCY_KEY="abc")
    assert other.status_code == 409 and other.json()["error"]["code"] == "IDEMPOTENCY_CONFLICT"
    assert Refund.objects.count() == 1
    # Domain refusals are stored and replayed too (the same request must not succeed later by surprise).
    too_much = api_client.post(url, {"reason": "goodwill", "amount_minor": 99999}, HTTP_IDEMPOTENCY_KEY="big")
    assert too_much.status_code == 409 and too_much.json()["error"]["code"] == "REFUND_NOT_ALLOWED"
    assert IdempotentRequest.objects.get(key="big").status_code == 409


@pytest.mark.django_db
def test_refund_endpoint_needs_the_refund_permission(api_client, fan, creator):
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    api_client.force_authenticate(verified(make_staff()))  # staff after 2FA, but without the permission
    response = api_client.post(f"/api/v1/payments/{payment.public_id}/refunds/", {"reason": "goodwill"},
                               HTTP_IDEMPOTENCY_KEY="x")
    assert response.status_code == 403
    api_client.force_authenticate(fan)
    assert api_client.post(f"/api/v1/payments/{payment.public_id}/refunds/", {"reason": "goodwill"},
                           HTTP_IDEMPOTENCY_KEY="x").status_code == 403


def _assert_one_of_everything():
    assert Payment.objects.count() == 1
    assert SimulatorObject.objects.filter(kind="payment_intent").count() == 1
    assert LedgerTransaction.objects.filter(kind="charge").count() == 1
    assert Receipt.objects.count() == 1
    assert verify().ok


@pytest.mark.django_db
def test_fifty_serial_retries_make_one_charge(fan, creator):
    # SQLite serializes writers, so on SQLite the 50 calls run one after the other.
    outcomes = [purchases.charge(fan, creator, gbp(1000), "tip", "t", "same", GB_CARD, tax_evidence=GB)
                for _ in range(50)]
    assert {o.payment.pk for o in outcomes} == {outcomes[0].payment.pk}
    assert sum(not o.replayed for o in outcomes) == 1
    _assert_one_of_everything()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_calls_with_one_key_make_one_charge():
    fan, creator = make_fan(), make_creator()
    barrier = threading.Barrier(50)
    results, errors = [], []

    def call():
        try:
            barrier.wait()
            results.append(purchases.charge(fan, creator, gbp(1000), "tip", "t", "same", GB_CARD, tax_evidence=GB))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 50
    assert {r.payment.pk for r in results} == {results[0].payment.pk}
    assert all(r.payment.status == "succeeded" for r in results)
    assert connection.vendor == "postgresql"
    _assert_one_of_everything()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_partial_refunds_never_exceed_the_payment():
    fan, creator = make_fan(), make_creator()
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    barrier = threading.Barrier(10)
    done, refused = [], []

    def call(n):
        try:
            barrier.wait()
            done.append(purchases.refund(payment, gbp(300), "goodwill", idempotency_key=f"r{n}"))
        except Exception as exc:
            refused.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(done) == 4 and len(refused) == 6  # 4 x 3.00 of 12.00
    assert all(getattr(e, "code", "") == "REFUND_NOT_ALLOWED" for e in refused)
    payment.refresh_from_db()
    assert payment.amount_refunded == 1200
    assert verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_charges_get_gap_free_receipt_numbers():
    creator = make_creator()
    fans = [make_fan() for _ in range(20)]
    barrier = threading.Barrier(20)
    errors = []

    def call(fan, n):
        try:
            barrier.wait()
            card = GB_CARD if n % 4 else "4000000000000002"  # some decline: they must not take a number
            purchases.charge(fan, creator, gbp(500 + n), "tip", f"t{n}", f"k{n}", card, tax_evidence=GB)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(fan, n)) for n, fan in enumerate(fans)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(Receipt.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 16))  # 15 succeeded, 5 declined: no gaps, no duplicates
    assert verify().ok


@pytest.mark.django_db
def test_refund_amount_beyond_64_bits_is_a_validation_error(api_client, fan, creator):
    payment = purchases.charge(fan, creator, gbp(1000), "tip", "t", "k", GB_CARD, tax_evidence=GB).payment
    api_client.force_authenticate(_finance_staff())
    response = api_client.post(f"/api/v1/payments/{payment.public_id}/refunds/",
                               {"reason": "goodwill", "amount_minor": 2**70}, format="json",
                               HTTP_IDEMPOTENCY_KEY="huge")
    assert response.status_code == 400 and response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert Refund.objects.count() == 0

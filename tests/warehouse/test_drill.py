"""The plan's drill: a synthetic day made through the product's own services, published to the lake, built
with dbt, and the Gold KPIs compared with a golden file kept in the repository."""

import json
from pathlib import Path

import pytest

from fansub.accounts.services.accounts import SignupData, sign_up
from fansub.offers.models import Bundle
from fansub.purchases.services import ppv, tips
from fansub.subscriptions.services import subscriptions
from payments.models import Payment
from payments.money import Money
from payments.services import refunds
from tests.factories import make_creator, make_fan, make_post, make_tier
from warehouse import selectors

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
GOLDEN = Path(__file__).parent / "golden" / "drill_day.json"
CARD = "4242424242424242"


def synthetic_day() -> None:
    creator = make_creator(country="US", verified=True)
    basic = make_tier(creator, name="Basic", price_minor=999, currency="USD")
    vip = make_tier(creator, name="VIP", price_minor=2499, currency="USD")
    Bundle.objects.create(tier=basic, months=3, discount_percent=10)
    post = make_post(creator, ppv_minor=700)
    fans = [make_fan(country="US", region="US-TX") for _ in range(4)]
    subscriptions.subscribe(fans[0], basic.pk, payment_method=CARD, idempotency_key="d1")
    subscriptions.subscribe(fans[1], basic.pk, payment_method=CARD, idempotency_key="d2", months=3)
    subscriptions.subscribe(fans[2], vip.pk, payment_method=CARD, idempotency_key="d3")
    tips.send_tip(fans[0], creator, Money(500, "USD"), idempotency_key="t1", payment_method=CARD, note="")
    tip = tips.send_tip(fans[3], creator, Money(1500, "USD"), idempotency_key="t2", payment_method=CARD, note="")
    ppv.buy_post(fans[3], post.pk, payment_method=CARD)
    paid = Payment.objects.get(purpose="tip", reference=f"tip:{tip.pk}")
    refunds.refund(paid, Money(500, "USD"), "goodwill", idempotency_key="r1")
    subscriptions.cancel(fans[2], fans[2].subscriptions.get().pk)
    # Growth: three sign-ups through the product's own sign-up; one fan activates with a first purchase.
    joined = [sign_up(SignupData(email=f"new{n}@example.test", handle=f"new_{n}", password="a long pass phrase 9",
                                 role=role, attests_adult=True, country=country, region=region))
              for n, (role, country, region) in enumerate((("fan", "US", "US-TX"), ("fan", "GB", ""),
                                                           ("creator", "US", "")))]
    tips.send_tip(joined[0], creator, Money(400, "USD"), idempotency_key="t3", payment_method=CARD, note="")


def kpis() -> dict:
    revenue = selectors.rows("gold.gold_daily_revenue", order_by=("product", "country"))
    subs = selectors.rows("gold.gold_subscription_kpis", order_by=("-dt",))
    return {
        "revenue_by_product": {
            f"{row['product']}/{row['country']}/{row['currency']}": {
                key: row[key] for key in ("purchases", "paying_fans", "gross_minor", "tax_minor", "fee_minor",
                                          "net_minor", "refunded_minor", "disputed_minor")}
            for row in revenue},
        "signups": {f"{row['role']}/{row['country']}": {key: row[key] for key in ("signups", "activated",
                                                                                   "activation_rate")}
                    for row in selectors.rows("gold.gold_growth_signups", order_by=("role", "country"))},
        "subscriptions_today": {key: subs[0][key] for key in ("currency", "active", "mrr_minor", "new_subscriptions",
                                                              "churned", "arppu_30d_minor")},
    }


def test_a_synthetic_day_builds_to_the_golden_kpis(publish_and_build):
    synthetic_day()
    result = publish_and_build()
    assert result.ok, result
    assert len(result.models_built) >= 14 and result.tests_passed > 50
    found = kpis()
    if not GOLDEN.exists():  # first run writes the file; review it and commit it
        GOLDEN.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n")
    assert found == json.loads(GOLDEN.read_text())

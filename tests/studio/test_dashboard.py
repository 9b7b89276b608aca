"""The studio dashboard: earnings by product from what fans paid, subscribers by tier, top fans, requests due,
offer conversion, date ranges, CSV export of every table, an accessible chart, and bounded queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from fansub.offers.models import Promotion
from fansub.subscriptions.services import subscriptions
from payments.money import Money
from payments.services import purchases
from payments.tax.location import TaxEvidence
from tests.factories import make_creator, make_fan, make_subscription, make_tier

pytestmark = pytest.mark.django_db
US = TaxEvidence(billing_country="US", billing_region="US-OR", ip_country="US")  # Oregon: no sales tax
CARD = "4242424242424242"


def _usd(minor):
    return Money(minor, "USD")


def _pay(fan, creator, minor, purpose, ref):
    purchases.charge(fan, creator, _usd(minor), purpose, ref, f"k-{purpose}-{ref}", CARD, tax_evidence=US)


@pytest.fixture
def creator():
    return make_creator(country="US", verified=True)


def test_earnings_by_product_with_gross_fees_net(client, creator):
    fan = make_fan(country="US", region="US-OR")
    _pay(fan, creator, 1000, "tip", "t1")
    _pay(fan, creator, 500, "ppv_post", "p1")
    _pay(fan, creator, 700, "ppv_message", "m1")
    _pay(fan, creator, 250, "subscription_renewal", "s1")
    client.force_login(creator)
    r = client.get("/studio/")
    page = r.content.decode()
    assert r.status_code == 200
    for label in ("Tips", "Pay-per-view posts", "Paid messages", "Subscriptions"):
        assert label in page
    assert "$10.00" in page and "$5.00" in page and "$7.00" in page and "$2.50" in page
    # The chart is an accessible SVG with a title, a description and one bar per product that sold.
    assert 'role="img"' in page and "<title id=\"earnings-chart-title\">" in page and "<desc" in page
    assert page.count('class="bar"') >= 4
    products = client.get("/studio/export/products.csv").content.decode().splitlines()
    assert products[0] == "product,currency,payments,gross,fees,net"
    tip = next(line for line in products if line.startswith("tips,"))
    _, currency, count, gross, fees, net = tip.split(",")
    assert currency == "USD" and count == "1" and gross == "10.00"
    assert float(fees) + float(net) == pytest.approx(10.0) and float(fees) > 0


def test_subscription_revenue_is_what_fans_paid_not_list_price(client, creator, django_capture_on_commit_callbacks):
    tier = make_tier(creator, name="Basic", price_minor=1000)
    now = timezone.now()
    Promotion.objects.create(creator=creator, tier=tier, code="HALF", kind="percent_off", percent_off=50,
                             for_new=True, periods=1, max_claims=10, starts_at=now - timedelta(days=1),
                             ends_at=now + timedelta(days=10))
    fan = make_fan(country="US", region="US-OR")
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.subscribe(fan, tier.pk, payment_method=CARD, idempotency_key="s1", promotion_code="HALF")
    client.force_login(creator)
    csv_text = client.get("/studio/export/products.csv").content.decode()
    line = next(row for row in csv_text.splitlines() if row.startswith("subscriptions,"))
    assert line.split(",")[3] == "5.00"  # the promoted $5.00 the fan paid, not the $10.00 list price
    page = client.get("/studio/").content.decode()
    assert "HALF" in page  # offer conversion lists the promotion with its claim
    rows = client.get("/studio/export/subscribers.csv").content.decode().splitlines()
    assert rows[1] == "Basic,1,1,0,USD,5.00"  # active, new, churned, and what the fan paid (not $10.00)


def test_subscribers_top_fans_requests_and_csv_of_every_table(client, creator):
    tier = make_tier(creator, name="Gold", price_minor=1500)
    fans = [make_fan(country="US", region="US-OR") for _ in range(3)]
    live = make_subscription(fans[0], tier)
    _pay(fans[0], creator, 1200, "subscription_renewal", f"subscription:{live.pk}")  # a renewal at a kept price
    gone = make_subscription(fans[1], tier, status="expired", days_left=-1)
    gone.ended_at = timezone.now() - timedelta(hours=1)
    gone.save()
    _pay(fans[2], creator, 2000, "tip", "big")
    _pay(fans[0], creator, 300, "tip", "small")
    client.force_login(creator)
    rows = client.get("/studio/export/subscribers.csv").content.decode().splitlines()
    assert rows[1] == "Gold,1,2,1,USD,12.00"  # one active; both new in range; one churned; what was paid
    top = client.get("/studio/export/top_fans.csv").content.decode().splitlines()
    assert top[1].startswith(f"{fans[2].handle},USD,1,") and top[2].startswith(f"{fans[0].handle},USD,2,")
    for table in ("earnings", "products", "subscribers", "top_fans", "requests", "offers"):
        r = client.get(f"/studio/export/{table}.csv")
        assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
        assert f"studio-{table}-" in r["Content-Disposition"]
    assert client.get("/studio/export/passwords.csv").status_code == 400


def test_date_range_and_grain(client, creator):
    fan = make_fan(country="US", region="US-OR")
    _pay(fan, creator, 1000, "tip", "today")
    client.force_login(creator)
    today = timezone.localdate()
    old = (today - timedelta(days=90)).isoformat()
    older = (today - timedelta(days=60)).isoformat()
    earlier = client.get(f"/studio/export/products.csv?start={old}&end={older}").content.decode()
    assert "tips," not in earlier  # the tip is outside that range
    monthly = client.get(f"/studio/export/earnings.csv?grain=month&start={old}").content.decode().splitlines()
    assert any(line.startswith(f"{today.replace(day=1).isoformat()},tips,") for line in monthly)
    weekly = client.get("/studio/?grain=week")
    assert weekly.status_code == 200
    # Bad input is refused with a message, never a server error.
    page = client.get("/studio/?start=2026-13-01&end=nope&grain=year").content.decode()
    assert "A date as YYYY-MM-DD." in page and "day, week or month." in page
    assert client.get(f"/studio/?start={today.isoformat()}&end={old}").status_code == 200
    r = client.get("/studio/export/earnings.csv?start=2020-01-01&end=2026-01-01")
    assert r.status_code == 400  # more than a year at once


def test_only_creators_and_only_their_own_numbers(client, creator):
    other = make_creator(country="US", verified=True)
    fan = make_fan(country="US", region="US-OR")
    _pay(fan, other, 4200, "tip", "other")
    client.force_login(creator)
    assert "$42.00" not in client.get("/studio/").content.decode()
    assert "tips," not in client.get("/studio/export/products.csv").content.decode()
    client.force_login(fan)
    assert client.get("/studio/").status_code == 404
    assert client.get("/studio/export/products.csv").status_code == 404
    client.logout()
    assert client.get("/studio/").status_code == 302


def test_refunds_come_off_the_earnings(client, creator):
    from payments.models import Payment
    from payments.services import refunds

    fan = make_fan(country="US", region="US-OR")
    _pay(fan, creator, 1000, "tip", "r1")
    refunds.refund(Payment.objects.get(reference="r1"), None, "requested_by_customer", idempotency_key="rf-1")
    client.force_login(creator)
    line = next(row for row in client.get("/studio/export/products.csv").content.decode().splitlines()
                if row.startswith("tips,"))
    assert line.split(",")[3:] == ["0.00", "0.00", "0.00"]


def test_dashboard_queries_are_bounded(client, creator, django_assert_max_num_queries):
    tiers = [make_tier(creator, name=f"T{i}", price_minor=500 + i * 100) for i in range(4)]
    fans = [make_fan(country="US", region="US-OR") for _ in range(12)]
    for i, fan in enumerate(fans):
        make_subscription(fan, tiers[i % 4])
        _pay(fan, creator, 300 + i, ("tip", "ppv_post", "ppv_message", "subscription")[i % 4], f"h{i}")
    now = timezone.now()
    for i, tier in enumerate(tiers):
        Promotion.objects.create(creator=creator, tier=tier, code=f"P{i}", kind="percent_off", percent_off=10,
                                 max_claims=5, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=5))
    client.force_login(creator)
    with django_assert_max_num_queries(20):
        assert client.get("/studio/?grain=day").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/studio/export/offers.csv").status_code == 200


def test_chart_axis_is_round_and_an_empty_chart_says_so():
    from fansub.studio import charts

    assert charts.nice_top(1400) == (1500, 500)
    assert charts.nice_top(2) == (2, 1)
    assert charts.nice_top(0) == (4, 1)
    chart = charts.stacked_bars(["a", "b"], ["tips"], {("a", "tips"): 700}, str)
    assert not chart.empty and [label for _, label in chart.ticks] == ["0", "200", "400", "600", "800"]
    assert len(chart.bars) == 1 and chart.bars[0].label == "a · tips: 700"
    assert charts.stacked_bars(["a"], ["tips"], {}, str).empty
    grouped = charts.grouped_bars(["Gold"], ["active", "new"], {("Gold", "active"): 3, ("Gold", "new"): 1}, str)
    assert [bar.height > 0 for bar in grouped.bars] == [True, True] and grouped.bars[0].height > grouped.bars[1].height


def test_subscribers_page_shows_what_fans_paid_not_list_price(client, creator, django_capture_on_commit_callbacks):
    tier = make_tier(creator, name="Basic", price_minor=1000)
    now = timezone.now()
    Promotion.objects.create(creator=creator, tier=tier, code="QUARTER", kind="percent_off", percent_off=25,
                             for_new=True, periods=1, max_claims=10, starts_at=now - timedelta(days=1),
                             ends_at=now + timedelta(days=10))
    fan = make_fan(country="US", region="US-OR")
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions.subscribe(fan, tier.pk, payment_method=CARD, idempotency_key="q1", promotion_code="QUARTER")
    client.force_login(creator)
    page = client.get("/studio/subscribers/").content.decode()
    assert "$7.50" in page and "list price" not in page

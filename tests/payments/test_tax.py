from datetime import date
from decimal import Decimal

import pytest

from payments.errors import TaxLocationConflict, TaxLocationInsufficient
from payments.money import Money
from payments.tax.engine import BuiltinTaxEngine, LineItem
from payments.tax.location import TaxEvidence, TaxLocation, resolve
from payments.tax.rates import EU_VAT, components_for

TODAY = date(2026, 11, 28)


def test_two_agreeing_pieces_establish_the_location():
    assert resolve(TaxEvidence(billing_country="de", ip_country="DE")) == TaxLocation("DE")
    assert resolve(TaxEvidence(card_country="FR", ip_country="FR", billing_country="FR")) == TaxLocation("FR")
    assert resolve(TaxEvidence(billing_country="US", billing_region="US-TX", card_country="US")) == \
        TaxLocation("US", "TX")


def test_conflicting_evidence_is_refused_until_the_fan_confirms():
    with pytest.raises(TaxLocationConflict) as exc:
        resolve(TaxEvidence(billing_country="DE", card_country="FR", ip_country="DE"))
    assert exc.value.code == "TAX_LOCATION_CONFLICT"
    assert exc.value.details["evidence"] == {"billing": "DE", "card": "FR", "ip": "DE"}
    confirmed = TaxEvidence(billing_country="DE", card_country="FR", ip_country="DE", confirmed_country="FR")
    assert resolve(confirmed) == TaxLocation("FR")
    # A confirmation that nothing backs up is still a conflict.
    with pytest.raises(TaxLocationConflict):
        resolve(TaxEvidence(billing_country="DE", card_country="FR", confirmed_country="IT"))


def test_one_piece_is_not_enough_and_us_ca_need_a_region():
    with pytest.raises(TaxLocationInsufficient):
        resolve(TaxEvidence(billing_country="DE"))
    with pytest.raises(TaxLocationInsufficient):
        resolve(TaxEvidence())
    with pytest.raises(TaxLocationInsufficient) as exc:
        resolve(TaxEvidence(billing_country="CA", card_country="CA"))
    assert exc.value.details["missing"] == "region"


def test_every_eu_state_has_a_standard_rate():
    assert len(EU_VAT) == 27
    for country in EU_VAT:
        [component] = components_for(country, "", TODAY)
        assert Decimal("0.17") <= component.rate <= Decimal("0.27")
        assert component.jurisdiction == country and component.name == "VAT"
    assert components_for("DE", "", TODAY)[0].rate == Decimal("0.19")
    assert components_for("HU", "", TODAY)[0].rate == Decimal("0.27")
    assert components_for("GB", "", TODAY)[0].rate == Decimal("0.20")


def test_rate_changes_apply_from_their_date():
    assert components_for("EE", "", date(2025, 6, 30))[0].rate == Decimal("0.22")
    assert components_for("EE", "", date(2025, 7, 1))[0].rate == Decimal("0.24")
    assert components_for("RO", "", date(2025, 8, 1))[0].rate == Decimal("0.21")


def test_canada_and_us_components():
    assert [(c.jurisdiction, c.name, c.rate) for c in components_for("CA", "BC", TODAY)] == [
        ("CA", "GST", Decimal("0.05")), ("CA-BC", "PST", Decimal("0.07"))]
    assert [(c.jurisdiction, c.name) for c in components_for("CA", "ON", TODAY)] == [("CA-ON", "HST")]
    assert [(c.jurisdiction, c.name) for c in components_for("CA", "AB", TODAY)] == [("CA", "GST")]
    assert components_for("US", "TX", TODAY)[0].rate == Decimal("0.0625")
    assert components_for("US", "OR", TODAY) == []   # not in the sample: no tax collected
    assert components_for("JP", "", TODAY) == []


def test_exclusive_prices_add_tax_per_line_rounded_half_up():
    engine = BuiltinTaxEngine()
    lines = [LineItem("a", Money(999, "EUR")), LineItem("b", Money(999, "EUR"))]
    quote = engine.quote(lines, TaxLocation("DE"), prices_include_tax=False, on=TODAY)
    # 999 * 0.19 = 189.81 -> 190 per line (rounded per line, not on the 1998 total: 379.62 -> 380 too)
    assert [line.tax for line in quote.lines] == [Money(190, "EUR"), Money(190, "EUR")]
    assert quote.total == Money(999 * 2 + 380, "EUR")
    [tax_line] = quote.tax_lines()
    assert tax_line.jurisdiction == "DE" and tax_line.amount == Money(380, "EUR")


def test_inclusive_prices_extract_tax_and_split_components():
    engine = BuiltinTaxEngine()
    quote = engine.quote([LineItem("sub", Money(1190, "EUR"))], TaxLocation("DE"), prices_include_tax=True,
                         on=TODAY)
    assert quote.net == Money(1000, "EUR") and quote.tax == Money(190, "EUR") and quote.total == Money(1190, "EUR")
    bc = engine.quote([LineItem("sub", Money(1000, "CAD"))], TaxLocation("CA", "BC"), prices_include_tax=True,
                      on=TODAY)
    assert bc.total == Money(1000, "CAD")
    assert bc.net == Money(893, "CAD")  # 1000 / 1.12 = 892.86 -> 893
    assert {t.jurisdiction: t.amount.minor for t in bc.tax_lines()} == {"CA": 45, "CA-BC": 62}


def test_zero_decimal_currency_and_untaxed_country():
    engine = BuiltinTaxEngine()
    quote = engine.quote([LineItem("tip", Money(500, "JPY"))], TaxLocation("JP"), prices_include_tax=False, on=TODAY)
    assert quote.tax == Money(0, "JPY") and quote.total == Money(500, "JPY") and quote.tax_lines() == []
    with pytest.raises(ValueError):
        engine.quote([LineItem("x", Money(0, "EUR"))], TaxLocation("DE"), prices_include_tax=False, on=TODAY)


def test_ip_country_comes_from_the_edge_header_only():
    from payments.tax.location import ip_country

    assert ip_country({"CF-IPCountry": "de"}) == "DE"
    assert ip_country({"CloudFront-Viewer-Country": "FR"}) == "FR"
    assert ip_country({"CF-IPCountry": "XX"}) == "" and ip_country({"CF-IPCountry": "T1"}) == ""
    assert ip_country({}) == ""

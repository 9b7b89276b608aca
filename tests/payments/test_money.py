from decimal import Decimal

import pytest

from payments.money import CurrencyMismatch, Money, UnsupportedCurrency


def test_minor_units_are_integers_only():
    with pytest.raises(TypeError):
        Money(4.99, "USD")
    with pytest.raises(TypeError):
        Money(True, "USD")
    with pytest.raises(UnsupportedCurrency):
        Money(100, "XXX")


def test_parse_exactly_and_refuse_extra_precision():
    assert Money.from_decimal("4.99", "USD") == Money(499, "USD")
    assert Money.from_decimal(Decimal("10"), "EUR") == Money(1000, "EUR")
    with pytest.raises(ValueError):
        Money.from_decimal("4.999", "USD")
    with pytest.raises(TypeError):
        Money.from_decimal(4.99, "USD")
    for bad in ("NaN", "Infinity", "abc"):
        with pytest.raises(ValueError):
            Money.from_decimal(bad, "USD")


def test_jpy_has_no_minor_unit():
    assert Money.from_decimal("500", "JPY") == Money(500, "JPY")
    with pytest.raises(ValueError):
        Money.from_decimal("500.5", "JPY")
    assert Money(1500, "JPY").format() == "¥1,500"
    assert Money(1500, "JPY").to_provider_amount() == 1500
    assert Money(1000, "JPY").multiply("0.10") == Money(100, "JPY")
    assert Money(1234, "USD").format() == "$12.34"
    assert Money(-1234, "EUR").format() == "-€12.34"
    assert Money(500, "SEK").format() == "5.00 SEK"


def test_mixed_currencies_are_refused():
    with pytest.raises(CurrencyMismatch):
        Money(100, "USD") + Money(100, "EUR")
    with pytest.raises(CurrencyMismatch):
        Money(100, "USD") - Money(100, "GBP")
    with pytest.raises(CurrencyMismatch):
        assert Money(100, "USD") < Money(100, "EUR")
    with pytest.raises(CurrencyMismatch):
        Money.total([Money(1, "USD"), Money(1, "EUR")], "USD")
    with pytest.raises(TypeError):
        Money(100, "USD") + 100
    assert Money.total([], "USD") == Money(0, "USD")


def test_rounding_is_half_up_once():
    assert Money(250, "USD").multiply("0.01") == Money(3, "USD")      # 2.5 -> 3
    assert Money(249, "USD").multiply("0.01") == Money(2, "USD")      # 2.49 -> 2
    assert Money(1050, "USD").multiply(Decimal("0.20")) == Money(210, "USD")
    assert Money(999, "GBP").multiply("0.20") == Money(200, "GBP")    # 199.8 -> 200
    assert Money(-250, "USD").multiply("0.01") == Money(-3, "USD")    # symmetric: half away from zero
    with pytest.raises(TypeError):
        Money(100, "USD").multiply(0.2)


def test_allocate_loses_no_unit():
    assert Money(100, "USD").allocate([1, 1, 1]) == [Money(34, "USD"), Money(33, "USD"), Money(33, "USD")]
    assert Money(5, "EUR").allocate([70, 30]) == [Money(4, "EUR"), Money(1, "EUR")]
    assert Money(-100, "USD").allocate([1, 1, 1]) == [Money(-34, "USD"), Money(-33, "USD"), Money(-33, "USD")]
    assert sum(m.minor for m in Money(1001, "JPY").allocate([3, 7, 11])) == 1001


def test_allocate_gives_nothing_to_a_zero_share():
    assert Money(1, "USD").allocate([0, 1, 1]) == [Money(0, "USD"), Money(1, "USD"), Money(0, "USD")]
    assert Money(3, "USD").allocate([0, 1, 1]) == [Money(0, "USD"), Money(2, "USD"), Money(1, "USD")]


def test_allocate_refuses_bad_ratios():
    for ratios in ([], [0, 0], [1, -1], [1.5, 1]):
        with pytest.raises(ValueError):
            Money(100, "USD").allocate(ratios)


def test_provider_amounts_must_be_integers():
    assert Money.from_provider_amount(499, "usd") == Money(499, "USD")
    with pytest.raises(TypeError):
        Money.from_provider_amount(4.99, "usd")

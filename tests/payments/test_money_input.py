"""Amounts typed into page forms: one refusal for anything that is not a sane amount, never a server error."""

import pytest

from common.errors import ValidationFailed
from payments.money import Money
from payments.money_input import parse_money_input


def test_amounts_are_read_in_the_currency():
    assert parse_money_input("4.99", "GBP") == Money(499, "GBP")
    assert parse_money_input(" 500 ", "JPY") == Money(500, "JPY")
    assert parse_money_input("", "USD") is None


@pytest.mark.parametrize("raw", ["abc", "NaN", "Infinity", "1e400", "99999999999999", "4.99.1", "--1"])
def test_junk_and_huge_amounts_are_a_validation_error_on_the_field(raw):
    with pytest.raises(ValidationFailed) as error:
        parse_money_input(raw, "USD", field="amount")
    assert error.value.code == "VALIDATION_ERROR" and "amount" in error.value.details


def test_an_unsupported_currency_is_a_validation_error():
    with pytest.raises(ValidationFailed):
        parse_money_input("4.99", "XXX")

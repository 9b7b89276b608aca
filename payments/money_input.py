"""Reading an amount a person typed (a page form field) into Money, with one clear refusal."""

from decimal import Decimal, InvalidOperation

from common.api.fields import INT32_MAX
from common.errors import ValidationFailed
from payments.money import Money, UnsupportedCurrency


def parse_money_input(raw: str, currency: str, *, field: str = "price") -> Money | None:
    """``"4.99"`` in ``currency`` → Money; blank → None; anything else → VALIDATION_ERROR on ``field``."""
    raw = (raw or "").strip()
    if not raw:
        return None
    problem = "Enter an amount like 4.99."
    try:
        amount = Decimal(raw)
        if not amount.is_finite():
            raise InvalidOperation
        money = Money.from_decimal(amount, currency)
    except (InvalidOperation, ValueError, UnsupportedCurrency):
        raise ValidationFailed(problem, details={field: [problem]}) from None
    if abs(money.minor) > INT32_MAX:  # what the price and amount columns hold; product limits are below
        raise ValidationFailed(problem, details={field: [problem]})
    return money

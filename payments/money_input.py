"""Reading an amount a person typed (a page form field) into Money, with one clear refusal."""

from decimal import Decimal, InvalidOperation

from common.errors import ValidationFailed
from payments.money import Money, UnsupportedCurrency

MAX_MINOR = 2**63 - 1  # what a bigint column can hold; product limits are far below


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
    if abs(money.minor) > MAX_MINOR:
        raise ValidationFailed(problem, details={field: [problem]})
    return money

"""How a refund or a lost dispute is divided between tax, platform fee and creator share.

Cumulative proportional rounding: after reversing R of a payment of G in total, the tax taken back
is round_half_up(T * R / G) — minus what earlier reversals already took. Any sequence of partial
reversals that adds up to G therefore takes back exactly T, F and C: no unit is lost or invented.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from payments.models import Payment
from payments.money import Money


@dataclass(frozen=True)
class Split:
    tax: int
    fee: int
    creator: int

    @property
    def total(self) -> int:
        return self.tax + self.fee + self.creator


def _share(part: int, reversed_after: int, gross: int) -> int:
    return int((Decimal(part) * reversed_after / gross).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def reversal_split(payment: Payment, amount: int) -> Split:
    after = payment.reversed_total + amount
    tax = _share(payment.tax_amount, after, payment.amount) - payment.tax_reversed
    fee = _share(payment.platform_fee, after, payment.amount) - payment.fee_reversed
    return Split(tax=tax, fee=fee, creator=amount - tax - fee)


def apply_split(payment: Payment, split: Split) -> None:
    payment.tax_reversed += split.tax
    payment.fee_reversed += split.fee
    payment.creator_reversed += split.creator


def tax_lines_share(payment: Payment, tax: int) -> list[tuple[str, int]]:
    """Divide a tax amount between the payment's tax jurisdictions in proportion to what each got."""
    lines = [(line["jurisdiction"], int(line["amount"])) for line in payment.tax_lines if int(line["amount"]) > 0]
    if not lines or tax == 0:
        return []

    shares = Money(tax, payment.currency).allocate([amount for _, amount in lines])
    return [(jurisdiction, share.minor) for (jurisdiction, _), share in zip(lines, shares, strict=True)]

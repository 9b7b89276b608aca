"""The tax engine interface and the built-in engine. Stripe Tax (or another service) can replace the
built-in one by implementing TaxEngine and being named in PAYMENTS_TAX_ENGINE."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from payments.money import Money
from payments.tax.location import TaxLocation
from payments.tax.rates import TaxComponent, components_for


@dataclass(frozen=True)
class LineItem:
    description: str
    amount: Money      # the price as displayed: tax-exclusive or tax-inclusive per prices_include_tax
    quantity: int = 1


@dataclass(frozen=True)
class TaxLine:
    jurisdiction: str
    name: str
    rate: Decimal
    amount: Money

    def as_dict(self) -> dict[str, object]:
        return {"jurisdiction": self.jurisdiction, "name": self.name, "rate": str(self.rate),
                "amount": self.amount.minor}


@dataclass(frozen=True)
class QuotedLine:
    description: str
    quantity: int
    net: Money
    tax: Money
    total: Money
    taxes: tuple[TaxLine, ...]


@dataclass(frozen=True)
class TaxQuote:
    currency: str
    lines: tuple[QuotedLine, ...]
    prices_include_tax: bool
    location: TaxLocation
    engine: str

    @property
    def net(self) -> Money:
        return Money.total([line.net for line in self.lines], self.currency)

    @property
    def tax(self) -> Money:
        return Money.total([line.tax for line in self.lines], self.currency)

    @property
    def total(self) -> Money:
        return Money.total([line.total for line in self.lines], self.currency)

    def tax_lines(self) -> list[TaxLine]:
        """Per jurisdiction and tax, summed over lines (each line was rounded on its own)."""
        sums: dict[tuple[str, str, Decimal], int] = defaultdict(int)
        for line in self.lines:
            for tax in line.taxes:
                sums[(tax.jurisdiction, tax.name, tax.rate)] += tax.amount.minor
        return [TaxLine(j, n, r, Money(a, self.currency)) for (j, n, r), a in sums.items()]


class TaxEngine(Protocol):
    name: str

    def quote(self, lines: list[LineItem], location: TaxLocation, *, prices_include_tax: bool,
              on: date) -> TaxQuote: ...


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class BuiltinTaxEngine:
    """Rates from payments.tax.rates; tax rounded half-up once per line and tax component."""

    name = "builtin"

    def quote(self, lines: list[LineItem], location: TaxLocation, *, prices_include_tax: bool,
              on: date) -> TaxQuote:
        if not lines:
            raise ValueError("a quote needs at least one line")
        currency = lines[0].amount.currency
        components = components_for(location.country, location.region, on)
        quoted = tuple(self._line(line, components, prices_include_tax) for line in lines)
        if any(q.net.currency != currency for q in quoted):
            raise ValueError("all lines of a quote share one currency")
        return TaxQuote(currency, quoted, prices_include_tax, location, self.name)

    def _line(self, line: LineItem, components: list[TaxComponent], inclusive: bool) -> QuotedLine:
        if line.quantity < 1 or line.amount.minor <= 0:
            raise ValueError("lines need a positive amount and quantity")
        price = Money(line.amount.minor * line.quantity, line.amount.currency)
        if not components:
            return QuotedLine(line.description, line.quantity, price, Money.zero(price.currency), price, ())
        if inclusive:
            combined = sum((c.rate for c in components), Decimal(0))
            net = Money(_round(Decimal(price.minor) / (1 + combined)), price.currency)
            tax_total = price - net
            # Split the line's tax between its components in proportion to their rates, losing no unit.
            ratios = [int(c.rate * 100000) for c in components]
            shares = tax_total.allocate(ratios)
        else:
            net = price
            shares = [net.multiply(c.rate) for c in components]
        taxes = tuple(TaxLine(c.jurisdiction, c.name, c.rate, share) for c, share in zip(components, shares,
                                                                                       strict=True))
        tax = Money.total([t.amount for t in taxes], price.currency)
        return QuotedLine(line.description, line.quantity, net, tax, net + tax, taxes)


def get_engine() -> TaxEngine:
    return import_string(settings.PAYMENTS_TAX_ENGINE)()

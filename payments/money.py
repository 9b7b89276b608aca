"""Money: an integer count of minor units and an ISO-4217 currency. No floats touch money.

Rounding rule (the only one in the codebase): ROUND_HALF_UP on the minor unit, applied once per
computed line (fee, tax), never to intermediate values. Half-up is what card schemes, Stripe and
most tax authorities use when they show a rounded amount to a person.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Minor-unit exponent per supported currency (ISO 4217). JPY has no minor unit.
CURRENCY_EXPONENTS: dict[str, int] = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "AUD": 2, "JPY": 0,
                                      "CHF": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "NZD": 2}


class CurrencyMismatch(ValueError):
    pass


class UnsupportedCurrency(ValueError):
    pass


def exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise UnsupportedCurrency(currency) from None


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError("Money.minor must be an int count of minor units")
        exponent(self.currency)

    # --- construction ---------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, amount: Decimal | str | int, currency: str) -> "Money":
        """Parse a major-unit amount ("4.99") exactly; more decimals than the currency has is an error."""
        value = Decimal(str(amount))
        scaled = value.scaleb(exponent(currency))
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{amount} has more precision than {currency} allows")
        return cls(int(scaled), currency)

    # --- conversion -----------------------------------------------------------------
    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-exponent(self.currency))

    def to_provider_amount(self) -> int:
        """Stripe and the card networks take the smallest currency unit: cents, or yen for JPY."""
        return self.minor

    @classmethod
    def from_provider_amount(cls, amount: int, currency: str) -> "Money":
        return cls(int(amount), currency.upper())

    # --- arithmetic -----------------------------------------------------------------
    def _same(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError("can only combine Money with Money")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} vs {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.minor, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: "Money") -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: "Money") -> bool:
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: "Money") -> bool:
        self._same(other)
        return self.minor >= other.minor

    def __bool__(self) -> bool:
        return self.minor != 0

    def multiply(self, factor: Decimal | int | str) -> "Money":
        """Multiply by a rate (e.g. Decimal("0.20")), rounding half-up to the minor unit once."""
        exact = Decimal(self.minor) * Decimal(str(factor))
        return Money(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)), self.currency)

    def allocate(self, ratios: list[int]) -> list["Money"]:
        """Split without losing a minor unit: remainders go to the first shares."""
        total = sum(ratios)
        if total <= 0:
            raise ValueError("ratios must sum to a positive number")
        shares = [self.minor * r // total for r in ratios]
        for index in range(self.minor - sum(shares)):
            shares[index % len(shares)] += 1
        return [Money(s, self.currency) for s in shares]

    def is_negative(self) -> bool:
        return self.minor < 0

    def format(self) -> str:
        symbol = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$", "JPY": "¥"}.get(self.currency)
        amount = f"{self.to_decimal():,.{exponent(self.currency)}f}"
        sign = "-" if self.minor < 0 else ""
        amount = amount.lstrip("-")
        return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {self.currency}"

    def __str__(self) -> str:
        return self.format()

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
        if isinstance(amount, float | bool):
            raise TypeError("parse money from a string or Decimal, never a float")
        try:
            value = Decimal(str(amount))
        except ArithmeticError:
            raise ValueError(f"{amount!r} is not an amount") from None
        if not value.is_finite():
            raise ValueError(f"{amount!r} is not a finite amount")
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
        # int() would silently truncate 4.99 to 4; a provider amount that is not an int is a bug upstream.
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError(f"provider amounts are integers of minor units, not {type(amount).__name__}")
        return cls(amount, currency.upper())

    @classmethod
    def total(cls, items: "list[Money] | tuple[Money, ...]", currency: str) -> "Money":
        """Sum in one currency; an empty list is zero of that currency, a mixed list is refused."""
        result = cls.zero(currency)
        for item in items:
            result = result + item
        return result

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
        if isinstance(factor, float | bool):
            raise TypeError("rates are Decimal or str, never float")
        exact = Decimal(self.minor) * Decimal(str(factor))
        return Money(int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)), self.currency)

    def allocate(self, ratios: list[int]) -> list["Money"]:
        """Split without losing a minor unit: remainders go, one each, to the first non-zero shares.

        A share whose ratio is 0 always gets exactly 0. Negative amounts split symmetrically
        (the split of -x is the negation of the split of x).
        """
        if not ratios or any(not isinstance(r, int) or isinstance(r, bool) or r < 0 for r in ratios):
            raise ValueError("ratios must be a non-empty list of non-negative integers")
        total = sum(ratios)
        if total == 0:
            raise ValueError("ratios must sum to a positive number")
        sign = -1 if self.minor < 0 else 1
        magnitude = abs(self.minor)
        shares = [magnitude * r // total for r in ratios]
        eligible = [index for index, r in enumerate(ratios) if r > 0]
        # Flooring loses less than one unit per share, so the remainder is < len(eligible).
        for step in range(magnitude - sum(shares)):
            shares[eligible[step % len(eligible)]] += 1
        return [Money(sign * s, self.currency) for s in shares]

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

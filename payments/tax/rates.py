"""The one tax-rate table: where the platform, as deemed seller of electronically supplied
services, collects tax.

EU: standard VAT rates (electronically supplied services take the standard rate), all 27 states,
with the changes of 2024–2025 dated. UK: 20%. US: a *sample* of states that tax digital goods
(state base rate only; local rates are not modelled). Canada: GST, HST and the provincial
PST/QST that apply to digital services. Verify against the authorities before going live: this
table is data, not law.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class TaxComponent:
    jurisdiction: str  # the tax_payable account's key: "DE", "GB", "US-TX", "CA", "CA-BC"
    name: str          # "VAT", "GST", "HST", "PST", "QST", "Sales tax"
    rate: Decimal


_EPOCH = date(2000, 1, 1)

# country -> [(effective_from, rate)], newest last.
EU_VAT: dict[str, list[tuple[date, str]]] = {
    "AT": [(_EPOCH, "0.20")], "BE": [(_EPOCH, "0.21")], "BG": [(_EPOCH, "0.20")], "HR": [(_EPOCH, "0.25")],
    "CY": [(_EPOCH, "0.19")], "CZ": [(_EPOCH, "0.21")], "DK": [(_EPOCH, "0.25")],
    "EE": [(_EPOCH, "0.22"), (date(2025, 7, 1), "0.24")],
    "FI": [(_EPOCH, "0.24"), (date(2024, 9, 1), "0.255")],
    "FR": [(_EPOCH, "0.20")], "DE": [(_EPOCH, "0.19")], "GR": [(_EPOCH, "0.24")], "HU": [(_EPOCH, "0.27")],
    "IE": [(_EPOCH, "0.23")], "IT": [(_EPOCH, "0.22")], "LV": [(_EPOCH, "0.21")], "LT": [(_EPOCH, "0.21")],
    "LU": [(_EPOCH, "0.17")], "MT": [(_EPOCH, "0.18")], "NL": [(_EPOCH, "0.21")], "PL": [(_EPOCH, "0.23")],
    "PT": [(_EPOCH, "0.23")],
    "RO": [(_EPOCH, "0.19"), (date(2025, 8, 1), "0.21")],
    "SK": [(_EPOCH, "0.20"), (date(2025, 1, 1), "0.23")],
    "SI": [(_EPOCH, "0.22")], "ES": [(_EPOCH, "0.21")], "SE": [(_EPOCH, "0.25")],
}
assert len(EU_VAT) == 27

UK_VAT = "0.20"

# Sample of US states taxing digital goods/services: state base rate.
US_STATES: dict[str, str] = {"TX": "0.0625", "WA": "0.065", "PA": "0.06", "NJ": "0.06625", "OH": "0.0575",
                             "UT": "0.061", "TN": "0.07", "CT": "0.0635"}

# Canada: HST provinces replace GST; the others add PST/QST to the 5% GST.
CA_GST = "0.05"
CA_HST: dict[str, list[tuple[date, str]]] = {
    "ON": [(_EPOCH, "0.13")], "NB": [(_EPOCH, "0.15")], "NL": [(_EPOCH, "0.15")], "PE": [(_EPOCH, "0.15")],
    "NS": [(_EPOCH, "0.15"), (date(2025, 4, 1), "0.14")],
}
CA_PROVINCIAL: dict[str, tuple[str, str]] = {"BC": ("PST", "0.07"), "MB": ("RST", "0.07"), "SK": ("PST", "0.06"),
                                             "QC": ("QST", "0.09975")}
CA_GST_ONLY = frozenset({"AB", "YT", "NT", "NU"})


def _dated(history: list[tuple[date, str]], on: date) -> Decimal:
    rate = history[0][1]
    for effective_from, value in history:
        if effective_from <= on:
            rate = value
    return Decimal(rate)


def components_for(country: str, region: str, on: date) -> list[TaxComponent]:
    """The taxes due on a digital sale to a buyer in ``country``/``region`` on ``on``; [] if none."""
    if country in EU_VAT:
        return [TaxComponent(country, "VAT", _dated(EU_VAT[country], on))]
    if country == "GB":
        return [TaxComponent("GB", "VAT", Decimal(UK_VAT))]
    if country == "US":
        rate = US_STATES.get(region)
        return [TaxComponent(f"US-{region}", "Sales tax", Decimal(rate))] if rate else []
    if country == "CA":
        if region in CA_HST:
            return [TaxComponent(f"CA-{region}", "HST", _dated(CA_HST[region], on))]
        gst = TaxComponent("CA", "GST", Decimal(CA_GST))
        if region in CA_PROVINCIAL:
            name, rate = CA_PROVINCIAL[region]
            return [gst, TaxComponent(f"CA-{region}", name, Decimal(rate))]
        return [gst]
    return []


def needs_region(country: str) -> bool:
    return country in {"US", "CA"}

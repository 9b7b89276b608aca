"""Where the fan is, for tax: two non-conflicting pieces of evidence, or the fan's confirmation.

EU place-of-supply rules for electronically supplied services (Implementing Regulation 282/2011,
art. 24b/24f) want two non-contradictory pieces of evidence. When the pieces we hold disagree we do
not guess: the charge is refused with TAX_LOCATION_CONFLICT and the fan confirms their country,
which then needs at least one piece that agrees with it.
"""

from dataclasses import dataclass, fields

from payments.errors import TaxLocationConflict, TaxLocationInsufficient
from payments.tax.rates import needs_region


@dataclass(frozen=True)
class TaxEvidence:
    billing_country: str = ""
    billing_region: str = ""   # ISO 3166-2 subdivision code without the country: "TX", "BC"
    card_country: str = ""     # issuing country of the card
    ip_country: str = ""       # geolocated from the request's IP (never the IP itself)
    confirmed_country: str = ""  # the fan's own confirmation after a conflict
    confirmed_region: str = ""

    def normalised(self) -> "TaxEvidence":
        clean = {k: (v or "").strip().upper() for k, v in self.as_record().items()}
        for key in ("billing_region", "confirmed_region"):
            if "-" in clean[key]:  # accept "US-TX" as well as "TX"
                clean[key] = clean[key].split("-", 1)[1]
        return TaxEvidence(**clean)

    def as_record(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in _FIELDS}


_FIELDS = tuple(f.name for f in fields(TaxEvidence))


@dataclass(frozen=True)
class TaxLocation:
    country: str
    region: str = ""


def resolve(evidence: TaxEvidence) -> TaxLocation:
    ev = evidence.normalised()
    pieces = {source: country for source, country in
              (("billing", ev.billing_country), ("card", ev.card_country), ("ip", ev.ip_country)) if country}
    if ev.confirmed_country:
        agreeing = [source for source, country in pieces.items() if country == ev.confirmed_country]
        if not agreeing:
            raise TaxLocationConflict(
                "The country you confirmed matches none of your billing address, card or network.",
                details={"evidence": pieces, "confirmed": ev.confirmed_country})
        country = ev.confirmed_country
        region = ev.confirmed_region or (ev.billing_region if ev.billing_country == country else "")
    else:
        if len(set(pieces.values())) > 1:
            raise TaxLocationConflict(details={"evidence": pieces})
        if len(pieces) < 2:
            raise TaxLocationInsufficient(details={"evidence": pieces})
        country = next(iter(pieces.values()))
        region = ev.billing_region
    if needs_region(country) and not region:
        raise TaxLocationInsufficient("A state or province is needed for tax in this country.",
                                      details={"missing": "region", "country": country})
    return TaxLocation(country=country, region=region if needs_region(country) else "")


# Headers a CDN or load balancer sets with the client's geolocated country (never the IP itself).
IP_COUNTRY_HEADERS = ("CF-IPCountry", "CloudFront-Viewer-Country", "X-Country-Code")


def ip_country(headers: object) -> str:
    """The request's IP country as tax evidence, from the edge's geolocation header ("" if unknown)."""
    for name in IP_COUNTRY_HEADERS:
        value = (headers.get(name) or "").strip().upper()  # type: ignore[attr-defined]
        if len(value) == 2 and value.isalpha() and value not in {"XX", "T1"}:  # unknown / Tor
            return value
    return ""

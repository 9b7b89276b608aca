"""The age-assurance rules table: which jurisdictions require a check, which methods count, how long.

This table is policy owned by counsel; a row changes when a law does. Keys are ISO 3166-2 subdivisions
("US-TX") or ISO 3166-1 countries ("GB"). A fan's jurisdiction is looked up subdivision first, then
country; anything not in the table (including an empty country) gets STRICTEST, which is derived from the
table itself: assurance required, only the methods every requiring jurisdiction accepts, the shortest
validity. Self-declaration (a ticked box, a typed birth date) never counts anywhere that requires a check.
"""

from dataclasses import dataclass

from django.db import models


class AgeMethod(models.TextChoices):
    FACIAL_AGE_ESTIMATION = "facial_age_estimation", "Facial age estimation"
    PHOTO_ID_MATCH = "photo_id_match", "Photo ID matched to a live selfie"
    OPEN_BANKING = "open_banking", "Open banking"
    CREDIT_CARD = "credit_card", "Credit card check"
    MOBILE_OPERATOR = "mobile_operator", "Mobile network operator check"
    DIGITAL_IDENTITY = "digital_identity", "Digital identity wallet / eID"


# Methods that are not age assurance at all. They are named so the table can be checked against them.
NEVER_ACCEPTED = frozenset({"self_declaration", "birth_date_entry", "ticked_box"})

M = AgeMethod


@dataclass(frozen=True)
class AgeRule:
    jurisdiction: str
    requires_assurance: bool
    methods: frozenset[str]
    validity_days: int
    legal_basis: str

    def accepts(self, method: str) -> bool:
        return (not self.requires_assurance) or method in self.methods


_UK = frozenset({M.FACIAL_AGE_ESTIMATION, M.PHOTO_ID_MATCH, M.OPEN_BANKING, M.CREDIT_CARD, M.MOBILE_OPERATOR,
                 M.DIGITAL_IDENTITY})
# US state statutes: a government ID (incl. digitized ID) or a commercial method on transactional data.
_US_STATE = frozenset({M.PHOTO_ID_MATCH, M.DIGITAL_IDENTITY, M.CREDIT_CARD, M.OPEN_BANKING})
_US_STATES_WITH_LAWS = ("US-AL", "US-AR", "US-FL", "US-GA", "US-ID", "US-IN", "US-KS", "US-KY", "US-LA", "US-MS",
                        "US-MT", "US-NC", "US-NE", "US-OK", "US-SC", "US-SD", "US-TN", "US-TX", "US-UT", "US-VA",
                        "US-WY")

_ROWS: list[AgeRule] = [
    AgeRule("GB", True, _UK, 365, "Online Safety Act 2023, Part 5 (Ofcom highly effective age assurance)"),
    AgeRule("FR", True, frozenset({M.FACIAL_AGE_ESTIMATION, M.PHOTO_ID_MATCH, M.DIGITAL_IDENTITY}), 180,
            "Loi SREN 2024 / Arcom référentiel (no card check after the transition)"),
    AgeRule("DE", True, frozenset({M.PHOTO_ID_MATCH, M.DIGITAL_IDENTITY}), 365,
            "JMStV §4(2) closed user group (KJM-assessed methods)"),
    AgeRule("IT", True, frozenset({M.PHOTO_ID_MATCH, M.DIGITAL_IDENTITY, M.FACIAL_AGE_ESTIMATION}), 180,
            "AGCOM resolution 96/25/CONS"),
    *[AgeRule(code, True, _US_STATE, 365, f"{code} adult-content age-verification statute")
      for code in _US_STATES_WITH_LAWS],
    # Known jurisdictions where no statute requires a check: the sign-up attestation is the gate.
    AgeRule("US", False, frozenset(), 365, "No statute in the remaining US states (subdivision looked up first)"),
    AgeRule("CA", False, frozenset(), 365, "No federal statute in force"),
]

RULES: dict[str, AgeRule] = {rule.jurisdiction: rule for rule in _ROWS}


def _strictest() -> AgeRule:
    requiring = [rule for rule in RULES.values() if rule.requires_assurance]
    methods = frozenset.intersection(*(rule.methods for rule in requiring))
    return AgeRule("", True, methods, min(rule.validity_days for rule in requiring),
                   "Unknown jurisdiction: the strictest rule in the table")


STRICTEST = _strictest()


# Countries whose subdivisions legislate separately: without a subdivision the jurisdiction is unknown.
SUBDIVISION_COUNTRIES = frozenset({"US"})


def _region_of(country: str, region: str) -> str:
    return region if region.startswith(f"{country}-") and len(region) > len(country) + 1 else ""


def jurisdiction_of(country: str, region: str = "") -> str:
    """The code a result is recorded under: the subdivision when one is given, else the country."""
    country = (country or "").upper()
    return _region_of(country, (region or "").upper()) or country


def rule_for(country: str, region: str = "") -> AgeRule:
    country = (country or "").upper()
    region = _region_of(country, (region or "").upper())
    if region in RULES:
        return RULES[region]
    if country in SUBDIVISION_COUNTRIES and not region:
        return STRICTEST
    return RULES.get(country, STRICTEST)


def method_choices_for(rule: AgeRule) -> list[tuple[str, str]]:
    """Methods a fan may choose for this rule (all real methods where no check is required)."""
    allowed = rule.methods if rule.requires_assurance else frozenset(AgeMethod.values)
    return [(value, label) for value, label in AgeMethod.choices if value in allowed]

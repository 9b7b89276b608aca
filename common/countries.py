"""ISO 3166-1 alpha-2: the one list of country codes the site accepts.

Only *officially assigned* codes (249): user-assigned codes (``AA``, ``QM``–``QZ``, ``XA``–``XZ`` such as
``XK``, ``ZZ``), reserved and withdrawn ones are refused. A country field anywhere (profiles, sign-up,
identity documents, tax confirmations) goes through `validate_country_code` — via
``common.api.fields.CountryCodeField`` in the API and ``CountryCodeFormField`` in forms — so a junk value
such as ``ZZ`` or ``<SVG>`` is a VALIDATION_ERROR before any service stores it.
"""

from django import forms
from django.core.exceptions import ValidationError

ISO_3166_1_ALPHA_2 = frozenset((
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB",
    "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY",
    "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX",
    "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK",
    "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
    "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR",
    "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA",
    "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
    "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE",
    "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG",
    "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF",
    "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY",
    "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW",
))

MESSAGE = "Enter an ISO 3166-1 alpha-2 country code, e.g. GB, US, DE."


def normalize_country_code(value: str) -> str:
    return value.strip().upper()


def is_country_code(value: object) -> bool:
    return isinstance(value, str) and value in ISO_3166_1_ALPHA_2


def validate_country_code(value: str) -> None:
    """A Django validator: an assigned ISO 3166-1 alpha-2 code (upper case), or nothing at all."""
    if value and not is_country_code(value):
        raise ValidationError(MESSAGE, code="invalid_country")


class CountryCodeFormField(forms.CharField):
    """A form's country: two letters, upper-cased, from the assigned list."""

    default_validators = [validate_country_code]

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 2)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> str:
        return normalize_country_code(super().to_python(value))

from fansub.verification import age_rules
from fansub.verification.age_rules import NEVER_ACCEPTED, RULES, STRICTEST, AgeMethod, jurisdiction_of, rule_for


def test_no_jurisdiction_accepts_self_declaration():
    for rule in RULES.values():
        assert not (rule.methods & NEVER_ACCEPTED), rule.jurisdiction
        assert rule.methods <= set(AgeMethod.values)


def test_uk_accepts_the_ofcom_methods_only():
    uk = rule_for("GB")
    assert uk.requires_assurance
    for method in ("facial_age_estimation", "photo_id_match", "open_banking", "credit_card"):
        assert uk.accepts(method)
    assert not uk.accepts("self_declaration") and not uk.accepts("birth_date_entry")


def test_unknown_jurisdiction_gets_the_strictest_rule():
    assert rule_for("") is STRICTEST and rule_for("ZZ") is STRICTEST
    assert STRICTEST.requires_assurance
    requiring = [r for r in RULES.values() if r.requires_assurance]
    assert all(STRICTEST.methods <= r.methods for r in requiring)
    assert STRICTEST.validity_days == min(r.validity_days for r in requiring)
    assert STRICTEST.methods, "some method must satisfy every jurisdiction"


def test_us_needs_a_state_and_state_law_applies():
    assert rule_for("US") is STRICTEST  # no state known: could be Texas
    assert rule_for("US", "US-TX").requires_assurance
    assert not rule_for("US", "US-TX").accepts("facial_age_estimation")
    assert not rule_for("US", "US-CA").requires_assurance  # known state without a statute
    assert rule_for("US", "GB-ENG") is STRICTEST  # an inconsistent subdivision is unknown
    assert jurisdiction_of("us", "us-tx") == "US-TX" and jurisdiction_of("gb", "") == "GB"


def test_method_choices_follow_the_rule():
    de = dict(age_rules.method_choices_for(rule_for("DE")))
    assert set(de) == {"photo_id_match", "digital_identity"}

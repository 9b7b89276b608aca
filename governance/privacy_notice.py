"""The Art. 15(1)(a)–(h) information, in one place: the export's index, the account page and the report use it.

Categories and retention are derived from the personal-data registry (what is actually held, per model);
the rest is the controller's statement. Edit the wording here, nowhere else.
"""

from typing import Any

from django.conf import settings

from governance import registry

PURPOSES = [
    "Running your account and showing your content and profile (contract, Art. 6(1)(b)).",
    "Taking payments, paying creators, issuing receipts and keeping tax records (contract; legal obligation, "
    "Art. 6(1)(c)).",
    "Age assurance and keeping adult content from minors; performer-identity records (legal obligation).",
    "Safety, moderation, copyright (DMCA) handling and fraud prevention (legitimate interests, Art. 6(1)(f); "
    "legal obligation).",
    "Pseudonymous product analytics, never containing your name, email or words (legitimate interests).",
]
RECIPIENTS = [
    "Payment providers (the built-in simulator, or Stripe / CCBill in production) for payments and payouts.",
    "Age and identity verification providers, when you use one.",
    "Our hosting and storage processors (database, object storage, email delivery).",
    "Creators you pay or message: your public handle and what you send them.",
    "Authorities, only where the law requires (tax, law enforcement, child-safety reports).",
]
RIGHTS = [
    "Access (Art. 15) and a copy in a portable format (Art. 20).",
    "Rectification of inaccurate data (Art. 16).",
    "Erasure (Art. 17), except records the law makes us keep, which are listed with their keep-until date.",
    "Restriction (Art. 18) and objection (Art. 21) to processing based on legitimate interests.",
    "Withdrawing consent at any time, without affecting earlier processing.",
]
SOURCE = ("From you (sign-up, profile, uploads, messages, payments), from your use of the service (purchases, "
          "subscriptions, follows), and from providers you chose to use (payment and age/identity verification "
          "results).")
AUTOMATED_DECISIONS = ("We make no decision with legal or similarly significant effect based solely on "
                       "automated processing (Art. 22). Automated checks (age-rule evaluation, known-bad media "
                       "hash matching, text screening, payment-fraud scoring by the payment provider) flag for "
                       "human review or apply the law's rule; you may ask for a human to review any outcome.")


def complaint() -> str:
    return (f"You may complain to a supervisory authority, in particular in the EU/EEA member state where you "
            f"live or work or where an infringement took place (e.g. {settings.PRIVACY_SUPERVISORY_AUTHORITY}). "
            f"Contact our privacy team first at {settings.PRIVACY_CONTACT_EMAIL} if you wish.")


def categories() -> list[dict[str, Any]]:
    return [{"record": e.model._meta.verbose_name.capitalize(), "model": e.label, "fields": list(e.fields)}
            for e in sorted(registry.entries(), key=lambda e: e.label)]


def retention() -> list[dict[str, str]]:
    rows = []
    for e in sorted(registry.entries(), key=lambda e: e.label):
        if e.erasure == "retain":
            rule = f"Kept after erasure ({e.legal_basis}): {e.retention_reason}"
        elif e.keep and e.keep is not registry.ACCOUNT_LIFETIME:
            rule = f"Deleted or emptied {_period(e.keep)} (or on erasure)."
        else:
            rule = "Kept while your account exists; erased when you delete it."
        rows.append({"model": e.label, "rule": rule})
    rows.append({"model": "Exports like this one",
                 "rule": f"Deleted {settings.PRIVACY_EXPORT_TTL_HOURS} hours after they are ready."})
    return rows


def _period(keep: registry.Keep) -> str:
    if keep.until_field:
        return f"after the record's {keep.until_field.replace('_', ' ')}"
    span = f"{keep.years} years" if keep.years else f"{keep.days} days"
    return f"{span} after its {keep.after.replace('_', ' ')}"


def art15() -> dict[str, Any]:
    """Art. 15(1)(a)–(h), keyed by the letter's subject."""
    return {
        "a_purposes": PURPOSES,
        "b_categories": categories(),
        "c_recipients": RECIPIENTS,
        "d_retention": retention(),
        "e_rights": RIGHTS,
        "f_complaint": complaint(),
        "g_source": SOURCE,
        "h_automated_decisions": AUTOMATED_DECISIONS,
    }

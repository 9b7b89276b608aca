"""The platform's prohibited-request rules. A match names the rule so the fan knows what to change.

Kept deliberately conservative: anything suggesting minors, non-consent, incest, bestiality,
incapacitation, real-world harm or identifying a private person is refused outright.
"""

import re

PLATFORM_RULES: dict[str, list[str]] = {
    "minors": ["underage", "under age", "minor", "child", "children", "kid", "schoolgirl", "schoolboy",
               "preteen", "pre-teen", "young teen", "loli", "shota", "jailbait"],
    "non_consent": ["rape", "non-consent", "nonconsent", "non consent", "forced", "against her will",
                    "against his will", "coerced"],
    "incapacitation": ["drugged", "unconscious", "passed out", "asleep", "sleeping"],
    "incest": ["incest", "stepdaughter", "stepson", "stepsister", "stepbrother", "daughter", "son"],
    "bestiality": ["bestiality", "zoophilia", "animal"],
    "real_person_harm": ["doxx", "dox", "home address", "revenge", "blackmail", "ex-girlfriend", "ex-boyfriend"],
}


def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(term.lower()) + r"(?![a-z0-9])")


_COMPILED = {rule: [_pattern(t) for t in terms] for rule, terms in PLATFORM_RULES.items()}


def platform_match(text: str) -> str | None:
    lowered = text.lower()
    for rule, patterns in _COMPILED.items():
        if any(p.search(lowered) for p in patterns):
            return rule
    return None


def creator_match(text: str, topics: list[str]) -> str | None:
    lowered = text.lower()
    for topic in topics:
        topic = topic.strip().lower()
        if topic and _pattern(topic).search(lowered):
            return topic
    return None

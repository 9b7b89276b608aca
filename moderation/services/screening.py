"""Text screening: rules (settings MODERATION_SCREENING_RULES plus active ScreeningRule rows) matched as whole
words, case-insensitively. The most severe match decides: ``refuse`` raises CONTENT_REFUSED naming the rule
category (never the words), ``hold`` lets the product save the text and queue it for review.

Products reach this through ``common.trust`` (registered in ModerationConfig.ready)."""

import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from common import trust
from common.errors import ContentRefused
from moderation.models import Category, ScreeningAction, ScreeningRule
from moderation.services import reports
from telemetry.events import emit

CACHE_KEY = "moderation:screening-rules:v1"
logger = logging.getLogger("fansub.moderation")


@dataclass(frozen=True)
class Rule:
    term: str
    category: str
    severity: int
    action: str


def _setting_rules() -> list[Rule]:
    rules = []
    for raw in settings.MODERATION_SCREENING_RULES:
        parts = raw.split(":", 3)
        if len(parts) == 4 and parts[0] in Category.values and parts[2] in ScreeningAction.values \
                and parts[3].strip() and (parts[1] or "1").isdigit():
            rules.append(Rule(parts[3].strip(), parts[0], int(parts[1] or 1), parts[2]))
        else:
            logger.warning("MODERATION_SCREENING_RULES: ignored a malformed rule (category:severity:action:term)")
    return rules


def active_rules() -> list[Rule]:
    cached = cache.get(CACHE_KEY)
    if cached is None:
        cached = _setting_rules() + [Rule(r.term, r.category, r.severity, r.action)
                                     for r in ScreeningRule.objects.filter(is_active=True)]
        cache.set(CACHE_KEY, cached, 60)
    return cached


def rules_changed() -> None:
    cache.delete(CACHE_KEY)


def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(term.casefold()) + r"(?!\w)")


def match(text: str) -> Rule | None:
    folded = (text or "").casefold()
    hits = [r for r in active_rules() if _pattern(r.term).search(folded)]
    if not hits:
        return None
    return max(hits, key=lambda r: (r.action == ScreeningAction.REFUSE, r.severity))


def screen_text(kind: str, text: str, author: Any = None) -> trust.Hold | None:
    rule = match(text)
    if rule is None:
        return None
    if rule.action == ScreeningAction.REFUSE:
        with transaction.atomic():
            emit("moderation.text_screened", {"target_kind": kind, "category": rule.category,
                                              "severity": rule.severity, "outcome": "refused"}, actor=author)
        raise ContentRefused(f"This text breaks our rules on {Category(rule.category).label.lower()}.",
                             details={"rule_category": rule.category})
    return trust.Hold(kind=kind, category=rule.category, severity=rule.severity)


def queue_held(kind: str, target_id: str, author: Any, hold: trust.Hold) -> None:
    reports.queue_screening_hold(kind, target_id, author, hold.category)
    emit("moderation.text_screened", {"target_kind": kind, "category": hold.category, "severity": hold.severity,
                                      "outcome": "held"}, actor=author)

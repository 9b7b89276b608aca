"""A small limit on the public report form (no account behind it): per client address, per hour."""

from django.core.cache import cache
from django.http import HttpRequest

from common.errors import RateLimited

PUBLIC_REPORTS_PER_HOUR = 20


def check_public_report_rate(request: HttpRequest) -> None:
    key = f"moderation:public-report:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, 3600)
    if cache.incr(key) > PUBLIC_REPORTS_PER_HOUR:
        raise RateLimited("Too many reports from here. Try again later.")

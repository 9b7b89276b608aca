"""Counters for operational error codes. Labelled like CloudWatch metrics: env, component, severity."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from telemetry.models import MetricCounter

logger = logging.getLogger("fansub.metrics")


def increment(name: str, *, component: str, severity: str = "error", amount: int = 1) -> None:
    labels = f"env={settings.DJANGO_ENV},component={component},severity={severity}"
    logger.warning("metric %s %s +%d", name, labels, amount)
    updated = MetricCounter.objects.filter(name=name, labels=labels).update(value=F("value") + amount)
    if not updated:
        try:
            with transaction.atomic():
                MetricCounter.objects.create(name=name, labels=labels, value=amount)
        except IntegrityError:
            MetricCounter.objects.filter(name=name, labels=labels).update(value=F("value") + amount)


def value(name: str) -> int:
    return sum(MetricCounter.objects.filter(name=name).values_list("value", flat=True))

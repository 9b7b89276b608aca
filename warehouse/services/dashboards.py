"""Staff dashboards (the plan's QuickSight set), refreshed on a schedule from the built marts.

Each dashboard is a set of datasets: named queries over Gold/NRT run through `cost.run_duckdb` (so every
query's bytes scanned is recorded) and kept as a JSON snapshot, like a BI tool's imported dataset. Pages read
the snapshot; a refresh that fails keeps the previous snapshot and counts `BI_REFRESH_FAILED`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.utils import timezone

from telemetry import metrics
from warehouse.services import cost, experiments

logger = logging.getLogger("fansub.warehouse")


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    sql: str
    chart: str = ""  # "" (table only) or "bars:<label column>:<value column>"


@dataclass(frozen=True)
class Dashboard:
    key: str
    title: str
    permission: str  # warehouse.<codename>: which staff groups see it
    datasets: tuple[Dataset, ...]


DASHBOARDS: dict[str, Dashboard] = {d.key: d for d in (
    Dashboard("executive", "Executive", "warehouse.view_executive_dashboard", (
        Dataset("gmv_by_day", "GMV, take and net revenue by day", """
            select dt, currency, sum(gross_minor) as gmv_minor, sum(fee_minor) as platform_fees_minor,
                   sum(refunded_minor + disputed_minor) as refunds_and_chargebacks_minor,
                   sum(fee_minor) - sum(refunded_minor + disputed_minor) as net_revenue_minor,
                   round(sum(fee_minor) * 1.0 / nullif(sum(gross_minor - tax_minor), 0), 4) as take_rate
            from gold.gold_daily_revenue group by 1, 2 order by 1 desc, 2 limit 90""",
                chart="bars:dt:gmv_minor"),
        Dataset("revenue_by_product", "Revenue by product (last 30 days)", """
            select product, currency, sum(purchases) as purchases, sum(gross_minor) as gross_minor,
                   sum(net_minor) as creators_net_minor
            from gold.gold_daily_revenue where dt >= current_date - interval '30' day
            group by 1, 2 order by gross_minor desc""", chart="bars:product:gross_minor"),
        Dataset("mrr", "MRR, churn and ARPPU", """
            select dt, currency, active, mrr_minor, churn_rate, arppu_30d_minor
            from gold.gold_subscription_kpis order by dt desc, currency limit 60""", chart="bars:dt:mrr_minor"),
    )),
    Dashboard("operations", "Operations", "warehouse.view_operations_dashboard", (
        Dataset("payout_backlog", "Failed payouts not yet paid", """
            select currency, failed_payouts, creators, amount_minor, oldest_failure_at
            from gold.gold_payout_backlog order by amount_minor desc""", chart="bars:currency:amount_minor"),
        Dataset("webhook_failures", "Webhook failures (last hour)", """
            select route, status, requests, newest_at from nrt.nrt_webhook_failures order by requests desc"""),
        Dataset("ingestion_lag", "Ingestion freshness per event type", """
            select event_type, newest_at, events_last_hour, seconds_behind
            from nrt.nrt_ingestion_freshness order by seconds_behind desc""", chart="bars:event_type:seconds_behind"),
    )),
    Dashboard("growth", "Growth", "warehouse.view_growth_dashboard", (
        Dataset("signups", "Sign-ups by day and role (activated: first purchase or post within 7 days)", """
            select dt, role, sum(signups) as signups, sum(activated) as activated,
                   round(sum(activated) * 1.0 / sum(signups), 4) as activation_rate
            from gold.gold_growth_signups group by 1, 2 order by 1 desc, 2 limit 120""", chart="bars:dt:signups"),
        Dataset("signups_by_country", "Sign-ups and activation by country (last 30 days)", """
            select role, country, sum(signups) as signups, sum(activated) as activated,
                   round(sum(activated) * 1.0 / sum(signups), 4) as activation_rate
            from gold.gold_growth_signups where dt >= current_date - interval '30' day
            group by 1, 2 order by 3 desc, 1, 2 limit 120"""),
        Dataset("paying_fans", "Paying fans and purchases by day", """
            select dt, sum(paying_fans) as paying_fans, sum(purchases) as purchases
            from gold.gold_daily_revenue group by 1 order by 1 desc limit 60""", chart="bars:dt:paying_fans"),
        Dataset("offers", "Promotion and trial claims by day", """
            select dt, action, count(*) as claims, count(distinct fan_id) as fans
            from silver.fct_promotions_events group by 1, 2 order by 1 desc, 2 limit 120"""),
        Dataset("subscriptions", "New and churned subscriptions by day", """
            select dt, currency, new_subscriptions, churned, active from gold.gold_subscription_kpis
            order by dt desc limit 60""", chart="bars:dt:new_subscriptions"),
    )),
    Dashboard("trust", "Trust & Safety", "warehouse.view_trust_dashboard", (
        Dataset("queue_age", "Moderation queue: open reports and the oldest (hours)", """
            select category, open_reports, oldest_age_hours, oldest_filed_at from gold.gold_moderation_queue
            order by oldest_age_hours desc""", chart="bars:category:oldest_age_hours"),
        Dataset("dmca_clock", "DMCA clock: counter-notices waiting for restoration", """
            select notice_id, received_at, restore_by, days_waiting from gold.gold_dmca_clock
            order by received_at"""),
        Dataset("quarantines", "Hash-match quarantines by day (counts only)", """
            select dt, kind as list_kind, count(*) as matches from silver.fct_moderation_actions
            where event_type = 'moderation.hash_matched' group by 1, 2 order by 1 desc limit 60"""),
        Dataset("dsar_due", "Data-subject requests open, overdue and due this week", """
            select kind, open_requests, overdue, due_within_7_days, next_due_at from gold.gold_dsar_due
            order by overdue desc, kind""", chart="bars:kind:open_requests"),
        Dataset("moderation_events", "Moderation events by day and kind", """
            select dt, event_type, count(*) as events from silver.fct_moderation_actions
            group by 1, 2 order by 1 desc, 2 limit 120"""),
        Dataset("disputes", "Chargebacks opened by day", """
            select dt, currency, count(*) as disputes, sum(amount_minor) as amount_minor
            from silver.fct_disputes where stage = 'opened' group by 1, 2 order by 1 desc limit 60""",
                chart="bars:dt:disputes"),
    )),
)}


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _snapshot_path(key: str) -> Path:
    return Path(settings.WAREHOUSE_DIR) / "dashboards" / f"{key}.json"


def refresh(key: str) -> dict[str, Any]:
    """Run one dashboard's datasets now and keep the snapshot; a failure keeps the last one and is counted."""
    dashboard = DASHBOARDS[key]
    try:
        datasets = []
        for dataset in dashboard.datasets:
            result = cost.run_duckdb(key, dataset.name, dataset.sql)
            columns = result.columns
            datasets.append({"name": dataset.name, "title": dataset.title, "chart": dataset.chart,
                             "columns": columns, "rows": [[_plain(v) for v in row] for row in result.rows],
                             "bytes_scanned": result.bytes_scanned})
        snapshot: dict[str, Any] = {"key": key, "title": dashboard.title, "refreshed_at": timezone.now().isoformat(),
                                    "datasets": datasets}
        if key == "growth":
            snapshot["experiments"] = [_report(report) for report in experiments.reports()]
    except (duckdb.Error, OSError) as exc:
        metrics.increment("BI_REFRESH_FAILED", component="bi")
        logger.error("dashboard %s refresh failed: %s", key, exc)
        raise
    path = _snapshot_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(snapshot))
    temporary.replace(path)  # readers never see half a snapshot
    return snapshot


def _report(report: experiments.Report) -> dict[str, Any]:
    return {"experiment": report.experiment, "description": report.description,
            "control_persons": report.control_persons, "control_mean": round(report.control_mean, 2),
            "theta": round(report.theta, 4), "variance_reduction": round(report.variance_reduction, 4),
            "effects": [{k: (round(v, 2) if isinstance(v, float) else v) for k, v in effect.__dict__.items()}
                        for effect in report.effects],
            "guardrails": [{k: _plain(v) for k, v in row.items()} for row in report.guardrails]}


def refresh_all() -> dict[str, str]:
    outcome = {}
    for key in DASHBOARDS:
        try:
            refresh(key)
            outcome[key] = "refreshed"
        except (duckdb.Error, OSError):
            outcome[key] = "failed"
    return outcome


def snapshot(key: str) -> dict[str, Any] | None:
    try:
        return json.loads(_snapshot_path(key).read_text())
    except (OSError, ValueError):
        return None


def visible_to(user: Any) -> list[Dashboard]:
    return [d for d in DASHBOARDS.values() if user.has_perm(d.permission)]

"""§1.13 L codes as labelled metrics: Prometheus /metrics (token or verified staff), CloudWatch on moto."""

import re
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from django_otp.plugins.otp_static.models import StaticDevice

from telemetry import metrics
from telemetry.models import MetricCounter
from telemetry.tasks import push_cloudwatch_metrics
from tests.factories import PASSWORD, make_fan, make_staff

pytestmark = pytest.mark.django_db

SECTION_L = {"EVENT_SCHEMA_INVALID", "EVENT_ENVELOPE_INVALID", "EVENT_PUT_FAILED", "PIPELINE_LAG_EXCEEDED",
             "CTAS_FAILURE", "QUALITY_CHECK_FAILED", "ATHENA_SCANNED_BYTES_BREACH", "BI_REFRESH_FAILED",
             "DSAR_CONFLICT"}
TOKEN = "scrape-token-0123456789"


def test_every_section_l_code_is_a_metric():
    assert set(metrics.CODES) == SECTION_L
    assert all(code.severity in metrics.SEVERITIES and code.component for code in metrics.CODES.values())


def test_increment_labels_and_refuses_an_unknown_severity(settings):
    settings.TELEMETRY_ENV_LABEL = "stage"
    metrics.increment("DSAR_CONFLICT", component="governance", severity="critical", amount=2)
    assert MetricCounter.objects.get().labels == "env=stage,component=governance,severity=critical"
    with pytest.raises(ValueError, match="severity"):
        metrics.increment("DSAR_CONFLICT", component="governance", severity="loud")


# --- /metrics ------------------------------------------------------------------------------------------

def _sample(text, name):
    return {m.group(1): float(m.group(2)) for m in re.finditer(rf"^{name}\{{([^}}]*)\}} (\S+)$", text, re.M)}


def test_metrics_with_the_bearer_token_lists_every_code_with_its_labels(client, settings):
    settings.TELEMETRY_METRICS_TOKEN = TOKEN
    metrics.increment("EVENT_PUT_FAILED", component="telemetry.publisher", amount=3)
    metrics.set_gauge("publish_lag_p95_ms", 4500, component="telemetry.publisher")

    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    text = response.content.decode()
    for code in SECTION_L:
        assert re.search(rf"^# TYPE fansub_{code.lower()}(_total)? counter$", text, re.M), code
        assert _sample(text, f"fansub_{code.lower()}_total"), code  # exposed even when never counted
    assert _sample(text, "fansub_event_put_failed_total") == {
        'component="telemetry.publisher",env="test",severity="error"': 3.0}
    assert _sample(text, "fansub_dsar_conflict_total") == {'component="governance",env="test",severity="error"': 0.0}
    assert _sample(text, "fansub_publish_lag_p95_seconds") == {'component="telemetry.publisher",env="test"': 4.5}


@pytest.mark.parametrize(("token_setting", "header", "status"), [
    (TOKEN, None, 401),
    (TOKEN, "Bearer wrong-token", 403),
    (TOKEN, f"Basic {TOKEN}", 403),
    ("", "Bearer ", 403),  # no token configured: no bearer access at all
    ("", None, 401),
])
def test_metrics_refuses_without_valid_credentials(client, settings, token_setting, header, status):
    settings.TELEMETRY_METRICS_TOKEN = token_setting
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == status
    assert b"fansub_" not in response.content
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_metrics_only_answers_get(client, settings):
    settings.TELEMETRY_METRICS_TOKEN = TOKEN
    assert client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_a_fan_or_staff_without_second_factor_is_refused(client):
    client.force_login(make_fan())
    assert client.get("/metrics").status_code == 403
    client.force_login(make_staff())  # logged in, but never passed the second factor
    assert client.get("/metrics").status_code == 403


def test_staff_who_passed_the_second_factor_may_read_metrics(client):
    staff = make_staff()
    device = StaticDevice.objects.create(user=staff, name="backup")
    device.token_set.create(token="tok12345")
    assert client.post("/admin/login/", {"username": staff.email, "password": PASSWORD,
                                         "otp_device": device.persistent_id, "otp_token": "tok12345",
                                         "next": "/admin/"}).status_code == 302
    response = client.get("/metrics")
    assert response.status_code == 200 and b"fansub_event_schema_invalid_total" in response.content


# --- CloudWatch ------------------------------------------------------------------------------------------

def _sum(cloudwatch, namespace, code, component, severity="error"):
    answer = cloudwatch.get_metric_statistics(
        Namespace=namespace, MetricName=code, Statistics=["Sum"], Period=60,
        StartTime=datetime.now(UTC) - timedelta(minutes=10), EndTime=datetime.now(UTC) + timedelta(minutes=5),
        Dimensions=[{"Name": "Environment", "Value": "test"}, {"Name": "Component", "Value": component},
                    {"Name": "Severity", "Value": severity}])
    return sum(point["Sum"] for point in answer["Datapoints"])


@pytest.fixture
def cloudwatch(settings, aws_endpoint):
    settings.TELEMETRY_AWS_ENDPOINT_URL = aws_endpoint
    settings.TELEMETRY_CLOUDWATCH_NAMESPACE = f"FanSubTest/{datetime.now(UTC).timestamp():.0f}{id(settings)}"
    return boto3.client("cloudwatch", endpoint_url=aws_endpoint)


def test_push_sends_what_was_counted_since_the_last_push(settings, cloudwatch):
    namespace = settings.TELEMETRY_CLOUDWATCH_NAMESPACE
    metrics.increment("EVENT_SCHEMA_INVALID", component="telemetry.emit", amount=2)
    metrics.increment("QUALITY_CHECK_FAILED", component="warehouse")
    metrics.set_gauge("publish_lag_p95_ms", 30_000, component="telemetry.publisher")

    assert push_cloudwatch_metrics() == 4  # two counters, the lag gauge, the outbox backlog age
    assert _sum(cloudwatch, namespace, "EVENT_SCHEMA_INVALID", "telemetry.emit") == 2
    assert _sum(cloudwatch, namespace, "QUALITY_CHECK_FAILED", "warehouse") == 1
    assert _sum(cloudwatch, namespace, "PublishLagP95", "telemetry.publisher", severity="info") == 30

    metrics.increment("EVENT_SCHEMA_INVALID", component="telemetry.emit")
    assert metrics.push_to_cloudwatch() == 3  # the new count and the gauges; nothing counted twice
    assert _sum(cloudwatch, namespace, "EVENT_SCHEMA_INVALID", "telemetry.emit") == 3
    assert _sum(cloudwatch, namespace, "QUALITY_CHECK_FAILED", "warehouse") == 1


def test_a_failed_push_is_sent_again_by_the_next_run(settings):
    metrics.increment("DSAR_CONFLICT", component="governance")

    class Down:
        def put_metric_data(self, **kwargs):
            raise ConnectionError("cloudwatch unreachable")

    with pytest.raises(ConnectionError):
        metrics.push_to_cloudwatch(client=Down(), namespace="X")
    assert MetricCounter.objects.get().pushed_value == 0

    class Recording:
        def __init__(self):
            self.sent = []

        def put_metric_data(self, Namespace, MetricData):
            self.sent.extend(MetricData)

    recording = Recording()
    assert metrics.push_to_cloudwatch(client=recording, namespace="X") == 2
    assert recording.sent[0]["MetricName"] == "DSAR_CONFLICT" and recording.sent[0]["Value"] == 1
    assert recording.sent[1]["MetricName"] == "OutboxOldestPendingAge" and recording.sent[1]["Value"] == 0
    assert MetricCounter.objects.get().pushed_value == 1


def test_push_needs_a_namespace(settings):
    settings.TELEMETRY_CLOUDWATCH_NAMESPACE = ""
    with pytest.raises(ValueError, match="TELEMETRY_CLOUDWATCH_NAMESPACE"):
        metrics.push_to_cloudwatch(client=object())


def test_counters_that_are_not_section_l_codes_are_not_pushed():
    MetricCounter.objects.create(name="SOMETHING_ELSE", labels="env=test,component=x,severity=error", value=5)

    class Recording:
        sent = []

        def put_metric_data(self, Namespace, MetricData):
            self.sent.extend(MetricData)

    recording = Recording()
    assert metrics.push_to_cloudwatch(client=recording, namespace="X") == 1
    assert [d["MetricName"] for d in recording.sent] == ["OutboxOldestPendingAge"]


def test_the_outbox_backlog_is_exposed_even_when_the_publisher_has_stopped(client, settings):
    from datetime import UTC, datetime, timedelta

    from telemetry.events import emit
    from telemetry.models import OutboxEvent

    settings.TELEMETRY_METRICS_TOKEN = TOKEN
    assert metrics.outbox_backlog() == (0, 0.0)
    emit("account.logged_in", {"surface": "page"})
    emit("account.logged_in", {"surface": "page"})
    OutboxEvent.objects.update(created_at=datetime.now(UTC) - timedelta(minutes=5))
    pending, oldest = metrics.outbox_backlog()
    assert pending == 2 and 299 < oldest < 330
    text = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").content.decode()
    assert _sample(text, "fansub_outbox_pending_events") == {'component="telemetry.publisher",env="test"': 2.0}
    (age,) = _sample(text, "fansub_outbox_oldest_pending_seconds").values()
    assert 299 < age < 330

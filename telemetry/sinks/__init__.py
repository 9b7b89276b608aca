"""Lake sinks: where published event batches land. Chosen by TELEMETRY_SINK."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from telemetry.sinks.base import LakeSink
from telemetry.sinks.eventbridge import EventBridgeSink
from telemetry.sinks.firehose import FirehoseSink
from telemetry.sinks.local import LocalLakeSink
from telemetry.sinks.s3 import S3LakeSink

SINK_KINDS = ("local", "s3", "firehose", "eventbridge")


def configuration_problem() -> str | None:
    """What is wrong with the TELEMETRY_* settings for the chosen sink, or None. Cheap: builds no client."""
    kind = settings.TELEMETRY_SINK
    if kind not in SINK_KINDS:
        return f"TELEMETRY_SINK must be one of {', '.join(SINK_KINDS)}, not {kind!r}"
    if kind == "s3" and not settings.TELEMETRY_S3_BUCKET:
        return "TELEMETRY_SINK=s3 needs TELEMETRY_S3_BUCKET (the bronze bucket name)"
    if kind == "s3" and not settings.TELEMETRY_S3_PREFIX.strip("/"):
        return "TELEMETRY_S3_PREFIX must not be empty: events land under <prefix>/event_type=…"
    if kind == "firehose" and not settings.TELEMETRY_FIREHOSE_STREAM:
        return "TELEMETRY_SINK=firehose needs TELEMETRY_FIREHOSE_STREAM (the delivery stream name)"
    if kind == "eventbridge" and not settings.TELEMETRY_EVENTBRIDGE_BUS:
        return "TELEMETRY_SINK=eventbridge needs TELEMETRY_EVENTBRIDGE_BUS (the event bus name or ARN)"
    if kind == "eventbridge" and not settings.TELEMETRY_EVENTBRIDGE_SOURCE:
        return "TELEMETRY_EVENTBRIDGE_SOURCE must not be empty: rules match events by their source"
    if kind == "local" and not str(settings.TELEMETRY_LAKE_DIR):
        return "TELEMETRY_SINK=local needs TELEMETRY_LAKE_DIR"
    return None


def get_sink() -> LakeSink:
    problem = configuration_problem()
    if problem:
        raise ImproperlyConfigured(problem)
    kind = settings.TELEMETRY_SINK
    if kind == "local":

        return LocalLakeSink(settings.TELEMETRY_LAKE_DIR)

    from botocore.exceptions import NoRegionError

    try:
        if kind == "s3":

            return S3LakeSink(settings.TELEMETRY_S3_BUCKET, settings.TELEMETRY_S3_PREFIX,
                              endpoint_url=settings.TELEMETRY_AWS_ENDPOINT_URL)
        if kind == "eventbridge":

            return EventBridgeSink(settings.TELEMETRY_EVENTBRIDGE_BUS, source=settings.TELEMETRY_EVENTBRIDGE_SOURCE,
                                   endpoint_url=settings.TELEMETRY_AWS_ENDPOINT_URL)

        return FirehoseSink(settings.TELEMETRY_FIREHOSE_STREAM, endpoint_url=settings.TELEMETRY_AWS_ENDPOINT_URL)
    except NoRegionError:
        raise ImproperlyConfigured(
            f"TELEMETRY_SINK={kind} needs an AWS region: set AWS_DEFAULT_REGION (or AWS_REGION)") from None

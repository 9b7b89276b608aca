"""Lake sinks: where published event batches land. Chosen by TELEMETRY_SINK."""

from django.conf import settings

from telemetry.sinks.base import LakeSink


def get_sink() -> LakeSink:
    kind = settings.TELEMETRY_SINK
    if kind == "local":
        from telemetry.sinks.local import LocalLakeSink

        return LocalLakeSink(settings.TELEMETRY_LAKE_DIR)
    if kind == "s3":
        from telemetry.sinks.s3 import S3LakeSink

        return S3LakeSink(settings.TELEMETRY_S3_BUCKET, settings.TELEMETRY_S3_PREFIX,
                          endpoint_url=settings.TELEMETRY_AWS_ENDPOINT_URL)
    if kind == "firehose":
        from telemetry.sinks.firehose import FirehoseSink

        return FirehoseSink(settings.TELEMETRY_FIREHOSE_STREAM, endpoint_url=settings.TELEMETRY_AWS_ENDPOINT_URL)
    raise ValueError(f"unknown TELEMETRY_SINK {kind!r}")

import json
import logging
import time
from typing import Any

import boto3

logger = logging.getLogger("fansub.telemetry")

# PutRecordBatch limits: 500 records and 4 MiB per call, 1,000 KiB per record.
MAX_RECORDS_PER_CALL = 500
MAX_BYTES_PER_CALL = 4 * 1024 * 1024
MAX_RECORD_BYTES = 1000 * 1024
RETRIES = 3


class FirehoseSink:
    """Kinesis Firehose. The stream's dynamic partitioning derives event_type/dt/hour from each record
    (event_type and occurred_at are top-level fields of every envelope), so the bronze layout matches
    the S3 and local sinks."""

    def __init__(self, stream: str, *, endpoint_url: str | None = None, client: Any = None,
                 retry_delay: float = 0.2) -> None:
        self.stream = stream
        self.client = client or boto3.client("firehose", endpoint_url=endpoint_url)
        self.retry_delay = retry_delay

    def write_batch(self, partition: str, envelopes: list[dict[str, Any]]) -> str:
        records = [(json.dumps(e, separators=(",", ":"), sort_keys=True) + "\n").encode() for e in envelopes]
        too_big = [len(r) for r in records if len(r) > MAX_RECORD_BYTES]
        if too_big:
            raise ValueError(f"{len(too_big)} event(s) exceed Firehose's 1,000 KiB record limit")
        for chunk in _chunks(records):
            self._put_with_retries(chunk)
        return f"firehose://{self.stream}/{partition}"

    def _put_with_retries(self, chunk: list[bytes]) -> None:
        # A partial failure only refuses some records: resend just those, so the ones that were
        # accepted are not duplicated in the lake by our own retry.
        pending = chunk
        for attempt in range(RETRIES + 1):
            response = self.client.put_record_batch(
                DeliveryStreamName=self.stream, Records=[{"Data": data} for data in pending])
            if not response.get("FailedPutCount"):
                return
            answers = response.get("RequestResponses", [])
            failed = [data for data, answer in zip(pending, answers, strict=False) if answer.get("ErrorCode")]
            pending = failed or pending  # no per-record detail: resend everything
            logger.warning("firehose refused %d of the records, attempt %d", len(pending), attempt + 1)
            if attempt < RETRIES:
                time.sleep(self.retry_delay * (2 ** attempt))
        raise RuntimeError(f"firehose refused {len(pending)} records after {RETRIES} retries")


def _chunks(records: list[bytes]) -> list[list[bytes]]:
    chunks: list[list[bytes]] = []
    current: list[bytes] = []
    size = 0
    for record in records:
        if current and (len(current) == MAX_RECORDS_PER_CALL or size + len(record) > MAX_BYTES_PER_CALL):
            chunks.append(current)
            current, size = [], 0
        current.append(record)
        size += len(record)
    if current:
        chunks.append(current)
    return chunks

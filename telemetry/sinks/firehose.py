import json
from typing import Any

import boto3

MAX_RECORDS_PER_CALL = 500  # Firehose PutRecordBatch limit


class FirehoseSink:
    """Kinesis Firehose with dynamic partitioning on event_type/dt/hour (set on the stream)."""

    def __init__(self, stream: str, *, endpoint_url: str | None = None, client: Any = None) -> None:
        self.stream = stream
        self.client = client or boto3.client("firehose", endpoint_url=endpoint_url)

    def write_batch(self, partition: str, envelopes: list[dict[str, Any]]) -> str:
        for start in range(0, len(envelopes), MAX_RECORDS_PER_CALL):
            chunk = envelopes[start:start + MAX_RECORDS_PER_CALL]
            records = [{"Data": (json.dumps(e, separators=(",", ":")) + "\n").encode()} for e in chunk]
            response = self.client.put_record_batch(DeliveryStreamName=self.stream, Records=records)
            if response.get("FailedPutCount"):
                raise RuntimeError(f"firehose refused {response['FailedPutCount']} records")
        return f"firehose://{self.stream}/{partition}"

from typing import Any

import boto3

from telemetry.sinks.base import gzip_jsonl, object_name


class S3LakeSink:
    def __init__(self, bucket: str, prefix: str, *, endpoint_url: str | None = None, client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or boto3.client("s3", endpoint_url=endpoint_url)

    def write_batch(self, partition: str, envelopes: list[dict[str, Any]]) -> str:
        key = f"{self.prefix}/{partition}/{object_name()}"
        self.client.put_object(Bucket=self.bucket, Key=key, Body=gzip_jsonl(envelopes),
                               ContentType="application/x-ndjson", ContentEncoding="gzip")
        return f"s3://{self.bucket}/{key}"

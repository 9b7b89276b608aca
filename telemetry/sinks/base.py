import gzip
import json
import uuid
from typing import Any, Protocol

import orjson

from telemetry.validation import partition_keys


class LakeSink(Protocol):
    def write_batch(self, partition: str, envelopes: list[dict[str, Any]]) -> str:
        """Write one partition's events; return where they landed. Raise on failure."""


def partition_of(envelope: dict[str, Any]) -> str:
    """Hive-style partition path: event_type=…/dt=YYYY-MM-DD/hour=HH (the Firehose Lambda uses the same keys)."""
    keys = partition_keys(envelope)  # occurred_at is ISO 8601 UTC, e.g. 2026-11-28T02:15:00.123Z
    return f"event_type={keys['event_type']}/dt={keys['dt']}/hour={keys['hour']}"


def object_name() -> str:
    return f"part-{uuid.uuid4().hex}.jsonl.gz"


def jsonl(envelopes: list[dict[str, Any]]) -> bytes:
    try:
        return b"".join(orjson.dumps(e, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE) for e in envelopes)
    except TypeError:
        return "".join(json.dumps(e, separators=(",", ":"), sort_keys=True) + "\n" for e in envelopes).encode()


def gzip_jsonl(envelopes: list[dict[str, Any]]) -> bytes:
    return gzip.compress(jsonl(envelopes), compresslevel=6)

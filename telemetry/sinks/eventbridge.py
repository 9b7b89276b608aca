"""Amazon EventBridge: each envelope becomes one event on the bus (PutEvents, at most 10 per call).

Source is TELEMETRY_EVENTBRIDGE_SOURCE, DetailType the event type, Time the event's occurred_at and
Detail the envelope itself, so a rule can route by type (infra/ sends them on to Firehose, whose
dynamic partitioning lays them out like the other sinks). PutEvents may refuse some entries of a call:
only those are sent again (the accepted ones are not duplicated by our retry), each refusal counts
EVENT_PUT_FAILED (severity warning), and entries still refused after the retries fail the batch, which
the publisher counts as EVENT_PUT_FAILED (error) and keeps in the outbox for the next run.
"""

import json
import logging
import time
from datetime import datetime
from typing import Any

import boto3

from telemetry import metrics

logger = logging.getLogger("fansub.telemetry")

MAX_ENTRIES_PER_CALL = 10
MAX_BYTES_PER_CALL = 256 * 1024  # the whole PutEvents request, entries summed
RETRIES = 3


def entry_size(entry: dict[str, Any]) -> int:
    """PutEvents' size rule: Time counts 14 bytes; Source, DetailType, Detail and the bus name in UTF-8."""
    return 14 + sum(len(str(entry.get(key, "")).encode()) for key in ("Source", "DetailType", "Detail"))


class EventBridgeSink:
    def __init__(self, bus: str, *, source: str = "fansub.telemetry", endpoint_url: str | None = None,
                 client: Any = None, retry_delay: float = 0.2) -> None:
        self.bus = bus
        self.source = source
        self.client = client or boto3.client("events", endpoint_url=endpoint_url)
        self.retry_delay = retry_delay

    def entry(self, envelope: dict[str, Any]) -> dict[str, Any]:
        return {
            "Source": self.source,
            "DetailType": envelope["event_type"],
            "Time": datetime.fromisoformat(envelope["occurred_at"]),
            "Detail": json.dumps(envelope, separators=(",", ":"), sort_keys=True),
            "EventBusName": self.bus,
        }

    def write_batch(self, partition: str, envelopes: list[dict[str, Any]]) -> str:
        entries = [self.entry(e) for e in envelopes]
        too_big = [entry_size(e) for e in entries if entry_size(e) > MAX_BYTES_PER_CALL]
        if too_big:
            raise ValueError(f"{len(too_big)} event(s) exceed EventBridge's 256 KiB entry limit")
        for chunk in _chunks(entries):
            self._put_with_retries(chunk)
        return f"eventbridge://{self.bus}/{partition}"

    def _put_with_retries(self, chunk: list[dict[str, Any]]) -> None:
        pending = chunk
        for attempt in range(RETRIES + 1):
            response = self.client.put_events(Entries=pending)
            refused = response.get("FailedEntryCount", 0)
            if not refused:
                return
            answers = response.get("Entries", [])
            failed = [entry for entry, answer in zip(pending, answers, strict=False) if answer.get("ErrorCode")]
            pending = failed or pending  # no per-entry detail: send them all again
            codes = sorted({a.get("ErrorCode", "?") for a in answers if a.get("ErrorCode")})
            metrics.increment("EVENT_PUT_FAILED", component="telemetry.sink.eventbridge", severity="warning",
                              amount=len(pending))
            logger.warning("eventbridge refused %d of the entries (%s), attempt %d", len(pending),
                           ", ".join(codes), attempt + 1)
            if attempt < RETRIES:
                time.sleep(self.retry_delay * (2 ** attempt))
        raise RuntimeError(f"eventbridge refused {len(pending)} entries after {RETRIES} retries")


def _chunks(entries: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    chunks: list[list[dict[str, Any]]] = []
    current: list[dict[str, Any]] = []
    size = 0
    for entry in entries:
        length = entry_size(entry)
        if current and (len(current) == MAX_ENTRIES_PER_CALL or size + length > MAX_BYTES_PER_CALL):
            chunks.append(current)
            current, size = [], 0
        current.append(entry)
        size += length
    if current:
        chunks.append(current)
    return chunks

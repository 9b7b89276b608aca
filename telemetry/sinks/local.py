import os
from pathlib import Path
from typing import Any

from telemetry.sinks.base import gzip_jsonl, object_name


class LocalLakeSink:
    """The embedded default: the same partition layout as the S3 bronze bucket, in a folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def write_batch(self, partition: str, envelopes: list[dict[str, Any]]) -> str:
        folder = self.root / partition
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / object_name()
        temporary = final.with_suffix(".tmp")
        temporary.write_bytes(gzip_jsonl(envelopes))
        os.replace(temporary, final)  # readers never see a half-written file
        return str(final)

"""Hash lists loaded by staff: one 64-hex-digit PDQ hash per line, optionally followed by a label and a
source (comma- or tab-separated); blank lines and lines starting with # are skipped."""

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from common.errors import HashListInvalid
from fansub.media.models import MediaItem
from governance.services import audit
from moderation.models import HashEntry, HashList, HashListKind, MediaHash
from moderation.services import hash_matching

HEX64 = re.compile(r"^[0-9a-f]{64}$")
REUPLOAD_LIST = "DMCA removals"


@dataclass(frozen=True)
class ImportResult:
    added: int
    already_listed: int


def parse_lines(text: str) -> list[tuple[str, str, str]]:
    rows, bad = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in re.split(r"[,\t]", line)]
        value = parts[0].lower()
        if not HEX64.match(value):
            bad.append(number)
            continue
        rows.append((value, (parts[1] if len(parts) > 1 else "")[:100], (parts[2] if len(parts) > 2 else "")[:100]))
    if bad:
        raise HashListInvalid(details={"lines": bad[:50]})
    return rows


def import_hashes(hash_list: HashList, text: str, *, actor: Any = None) -> ImportResult:
    """Staff import (admin): all lines or none; a hash already in the list is kept as it was."""
    rows = parse_lines(text)
    with transaction.atomic():
        existing = set(HashEntry.objects.filter(hash_list=hash_list, value__in=[r[0] for r in rows])
                       .values_list("value", flat=True))
        fresh = {value: (label, source) for value, label, source in rows if value not in existing}
        HashEntry.objects.bulk_create([HashEntry(hash_list=hash_list, value=value, label=label, source=source)
                                       for value, (label, source) in fresh.items()])
        audit.record(actor=actor, action="moderation.hash_list_imported", obj=hash_list,
                     details={"added": len(fresh), "already_listed": len(rows) - len(fresh)})
    return ImportResult(len(fresh), len(rows) - len(fresh))


def reupload_list() -> HashList:
    hash_list, _ = HashList.objects.get_or_create(name=REUPLOAD_LIST, defaults={"kind": HashListKind.DMCA_REUPLOAD,
                                                                                "source": "dmca"})
    return hash_list


def add_to_reupload_list(items: list[MediaItem], *, label: str) -> int:
    """Media removed under a DMCA notice: its PDQ hashes join the re-upload list (hashed now if it was
    processed before hashes were kept)."""
    hashed = set(MediaHash.objects.filter(media_item__in=items).values_list("media_item_id", flat=True))
    for item in items:
        if item.pk not in hashed:
            hash_matching.hash_item(item)
    values = set(MediaHash.objects.filter(media_item__in=items).values_list("value", flat=True))
    if not values:
        return 0
    hash_list = reupload_list()
    existing = set(HashEntry.objects.filter(hash_list=hash_list, value__in=values).values_list("value", flat=True))
    HashEntry.objects.bulk_create([HashEntry(hash_list=hash_list, value=v, label=label[:100], source="dmca")
                                   for v in sorted(values - existing)])
    return len(values - existing)

"""manage.py watermark_identify FILE: which delivery a leaked image came from."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fansub.media import selectors
from fansub.media.watermark.identify import detect_file


def media_candidates(public_id: str) -> list[int]:
    """Ids of every delivery of one media item (informed detection), or an error if there is no such item."""
    item = selectors.item_by_public_id(public_id)
    if item is None:
        raise CommandError(f"no media item {public_id}")
    return selectors.delivery_ids(media_item=item)


def delivery_details(delivery_id: int) -> str | None:
    """'viewer @handle, delivered <time>' when the media pipeline's Delivery model is installed."""
    try:
        from django.apps import apps

        if not apps.is_installed("fansub.media"):
            return None
        delivery_model = apps.get_model("media", "Delivery")
        delivery = delivery_model.objects.select_related("viewer").filter(pk=delivery_id).first()
    except (LookupError, ImportError):
        return None
    if delivery is None:
        return "no Delivery row with that id (deleted, or the file was marked by another deployment)"
    return f"viewer @{delivery.viewer.handle}, delivered {delivery.created_at.isoformat()}"


class Command(BaseCommand):
    help = "Recover the forensic delivery id from a (possibly re-encoded, cropped, resized) image file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the leaked image")
        parser.add_argument(
            "--media",
            metavar="PUBLIC_ID",
            help="the media item the leak shows: its deliveries become candidates (reads weaker and colluders' copies)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        candidates = media_candidates(options["media"]) if options.get("media") else None
        try:
            found = detect_file(path, candidates=candidates)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}")
        if found is None:
            raise CommandError(f"no forensic watermark found in {path}")
        self.stdout.write(f"delivery id: {found.delivery_id}")
        details = delivery_details(found.delivery_id)
        if details:
            self.stdout.write(details)
        how = "correlation with the media's deliveries" if found.informed else "CRC-checked decode"
        self.stdout.write(f"confidence: sync z={found.sync_z:.1f}, code z={found.code_z:.1f} ({how})")

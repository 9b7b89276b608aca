"""manage.py watermark_identify FILE: which delivery a leaked image or video came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fansub.media import selectors
from fansub.media.services.stream_identify import identify_video
from fansub.media.watermark.identify import detect_file

VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".ts", ".avi", ".flv", ".3gp"}


def media_candidates(public_id: str) -> list[int]:
    """Ids of every delivery of one media item (informed detection), or an error if there is no such item."""
    item = selectors.item_by_public_id(public_id)
    if item is None:
        raise CommandError(f"no media item {public_id}")
    return selectors.delivery_ids(media_item=item)


def is_video(path: str, media: str | None) -> bool:
    """A video leak: by its file name, or because the media item named with --media is a video."""
    if Path(path).suffix.lower() in VIDEO_SUFFIXES:
        return True
    item = selectors.item_by_public_id(media) if media else None
    return item is not None and item.kind == "video"


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
    help = ("Recover the forensic delivery from a leaked image (possibly re-encoded, cropped, resized) or a "
            "leaked video (re-encoded, rescaled; at least a minute of it).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the leaked image or video")
        parser.add_argument(
            "--media",
            metavar="PUBLIC_ID",
            help="the media item the leak shows: an image's deliveries become candidates (reads weaker and "
                 "colluders' copies); for a video, only that stream is tried (otherwise every streamed video is)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        if is_video(path, options.get("media")):
            self._video(path, options["media"])
            return
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

    def _video(self, path: str, media: str | None) -> None:
        try:
            found = identify_video(path, media)
        except (OSError, ValueError, av.FFmpegError) as exc:
            raise CommandError(f"cannot read {path}: {exc}")
        if found.media_item is None:
            raise CommandError(f"{path} matches no streamed video")
        if found.delivery is None:
            raise CommandError(f"no viewer mark found in {path} (closest video {found.media_item.public_id}, "
                               f"content match {found.alignment:.2f}, mark strength {found.presence:.1f})")
        self.stdout.write(f"delivery id: {found.delivery.pk}")
        self.stdout.write(f"media: {found.media_item.public_id}, stream code {found.code}")
        details = delivery_details(found.delivery.pk)
        if details:
            self.stdout.write(details)
        self.stdout.write(f"confidence: {found.segments_read} segments read from {found.offset_seconds:.1f} s, "
                          f"mean |z|={found.presence:.1f}, content match {found.alignment:.2f}")

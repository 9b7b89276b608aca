"""List (and with --delete remove) private-storage files that no media row refers to."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fansub.media.services import deletion


class Command(BaseCommand):
    help = "List orphaned media files; --delete removes them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--delete", action="store_true", help="remove the orphans found")
        parser.add_argument("--grace-seconds", type=int, default=None,
                            help="ignore files younger than this (default MEDIA_ORPHAN_GRACE_SECONDS)")

    def handle(self, *args: Any, **options: Any) -> None:
        orphans = deletion.find_orphans(grace_seconds=options["grace_seconds"])
        for key in orphans:
            self.stdout.write(key)
        if options["delete"]:
            removed = deletion.delete_orphans(orphans)
            self.stdout.write(self.style.SUCCESS(f"{removed} orphaned file(s) deleted."))
        else:
            self.stdout.write(f"{len(orphans)} orphaned file(s) found.")

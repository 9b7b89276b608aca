"""Re-encrypt identity records under the newest FIELD_ENCRYPTION_KEYS key (then drop the old key)."""

from django.core.management.base import BaseCommand

from fansub.verification.services.creator_verification import reencrypt_all


class Command(BaseCommand):
    help = "Re-encrypt producer records and identity images with the first key in FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: object, **options: object) -> None:
        count = reencrypt_all()
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {count} producer record(s) and their images."))

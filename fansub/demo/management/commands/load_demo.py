"""Load (or top up) the demo data and print the demo logins. Safe to run repeatedly."""

from django.core.management.base import BaseCommand

from fansub.demo import people as demo


class Command(BaseCommand):
    help = "Create the demo accounts and content (idempotent) and print the logins."

    def handle(self, *args: object, **options: object) -> None:
        report = demo.DemoReport()
        for step in demo.steps():
            step(report)
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})"))
        for email, role, note in report.logins:
            self.stdout.write(f"  {role:8} {email:40} {note}")
        for note in report.notes:
            self.stdout.write(f"  {note}")
        self.stdout.write("")

"""Re-validate dead-lettered events and move the ones that now pass into the outbox."""

from django.core.management.base import BaseCommand, CommandParser

from telemetry.dead_letters import replay_dead_letters


class Command(BaseCommand):
    help = "Re-validate dead-lettered events; move those that now pass to the outbox (they publish as usual)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--id", type=int, action="append", dest="ids", help="only this dead letter (repeatable)")
        parser.add_argument("--event-type", help="only dead letters of this event type")
        parser.add_argument("--limit", type=int, help="at most this many dead letters")
        parser.add_argument("--dry-run", action="store_true", help="report what would move, change nothing")

    def handle(self, *args: object, **options: object) -> None:
        result = replay_dead_letters(ids=options["ids"], event_type=options["event_type"],
                                     limit=options["limit"], dry_run=options["dry_run"])
        verb = "would move" if options["dry_run"] else "moved"
        self.stdout.write(f"{verb} {result.moved} to the outbox "
                          f"({len(result.already_published)} already there), "
                          f"{len(result.still_invalid)} still invalid, "
                          f"{len(result.unrepairable)} unrepairable (personal data withheld)")
        for pk, problem in result.still_invalid.items():
            self.stdout.write(f"  dead letter {pk}: {problem}")

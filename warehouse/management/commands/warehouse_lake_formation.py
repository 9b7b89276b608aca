"""The Lake Formation section of infra/data-platform.yaml (LF-Tags per column and grants), from the registry."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from warehouse.services import lake_formation


class Command(BaseCommand):
    help = ("Print (default), --write or --check the generated Lake Formation section of infra/data-platform.yaml "
            "(column classification from the personal-data registry, and the grants by tag).")

    def add_arguments(self, parser: ArgumentParser) -> None:
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--write", action="store_true", help="rewrite the section in the template")
        mode.add_argument("--check", action="store_true", help="fail when the committed section is stale")

    def handle(self, *args: object, write: bool = False, check: bool = False, **options: object) -> None:
        try:
            text = lake_formation.TEMPLATE.read_text()
            if check:
                if not lake_formation.is_current(text):
                    raise CommandError("infra/data-platform.yaml's Lake Formation section is stale: run "
                                       "`manage.py warehouse_lake_formation --write`")
                self.stdout.write("Lake Formation section is current.")
            elif write:
                changed = lake_formation.write()
                self.stdout.write("Lake Formation section rewritten." if changed else "Already current.")
            else:
                self.stdout.write(lake_formation.section(text), ending="")
        except lake_formation.TemplateSectionMissing as exc:
            raise CommandError(str(exc)) from exc

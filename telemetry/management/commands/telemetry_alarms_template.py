"""Print the CloudFormation template of the data-platform alarms (infra/alarms.yaml) from telemetry/alarms.py."""

from django.core.management.base import BaseCommand

from telemetry.alarms import cloudformation_yaml


class Command(BaseCommand):
    help = "Print infra/alarms.yaml, generated from the alarm rules in telemetry/alarms.py."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(cloudformation_yaml(), ending="")

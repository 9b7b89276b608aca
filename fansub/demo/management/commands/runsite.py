"""Serve the site and run the background worker (with beat) side by side, for `make run`."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from config.celery import ensure_broker_folders


class Command(BaseCommand):
    help = "Start the web server and a Celery worker with beat on the embedded defaults."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-worker", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        worker = None
        if not options["no_worker"] and not settings.CELERY_TASK_ALWAYS_EAGER:
            ensure_broker_folders()
            celery = Path(sys.executable).with_name("celery")
            log = open(settings.VAR_DIR / "worker.log", "ab")  # noqa: SIM115 - lives as long as the worker
            worker = subprocess.Popen(  # noqa: S603 - fixed arguments
                [str(celery), "-A", "config", "worker", "-B", "--pool", "solo", "--loglevel", "INFO",
                 "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
                stdout=log, stderr=subprocess.STDOUT,
            )
            self.stdout.write(f"Background worker started (pid {worker.pid}); log in var/worker.log")
        def stop(signum: int, frame: object) -> None:  # a SIGTERM must not leave the worker behind
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        try:
            call_command("runserver", f"{options['host']}:{options['port']}", use_reloader=False)
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                worker.wait(timeout=20)

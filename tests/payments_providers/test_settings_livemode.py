"""PAYMENTS_LIVEMODE follows DJANGO_ENV like CCBILL_LIVEMODE: live money by default in production only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_ENV": "production", "SECRET_KEY": "x-long-random-production-secret-key-123456789",
              "TELEMETRY_PSEUDONYM_KEY": "k", "FIELD_ENCRYPTION_KEYS": "x", "PAYMENTS_ALLOW_SIMULATOR": "true",
              "WATERMARK_FORENSIC_KEY": "w"}


def livemodes(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"PAYMENTS_LIVEMODE", "CCBILL_LIVEMODE"}}
    result = subprocess.run([sys.executable, "-c", "import config.settings as s; "
                             "print(s.PAYMENTS_LIVEMODE, s.CCBILL_LIVEMODE)"],
                            cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


@pytest.mark.parametrize(("env", "expected"), [
    (PRODUCTION, ["True", "True"]),
    ({**PRODUCTION, "PAYMENTS_LIVEMODE": "false"}, ["False", "True"]),  # a staging site on test keys
    ({"DJANGO_ENV": "test"}, ["False", "False"]),
    ({"DJANGO_ENV": "development"}, ["False", "False"]),
])
def test_livemode_defaults(env, expected):
    assert livemodes(**env) == expected

"""`python -m bench` (make bench): run every benchmark module in this package that has a main()."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path


def run() -> int:
    failures = 0
    for module in sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)])):
        if module.startswith("_"):
            continue
        if not hasattr(importlib.import_module(f"bench.{module}"), "main"):
            continue
        # One process per benchmark: each sets up Django (and its own database) its own way.
        failures += subprocess.call([sys.executable, "-m", f"bench.{module}"]) != 0
    return failures


if __name__ == "__main__":
    sys.exit(run())

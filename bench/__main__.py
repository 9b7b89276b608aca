"""`python -m bench [name ...]`: run every bench/<name>.py that defines main() and print its figures.

Each benchmark prints its own figures (no timing assertions anywhere). A main() may also return a
mapping of figure -> value, printed here. One failing benchmark does not stop the others; the exit
code says whether all of them ran.
"""

import argparse
import importlib
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def discover() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)

    available = discover()
    if args.list:
        print("\n".join(available))
        return 0
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        parser.error(f"no benchmark named {', '.join(unknown)} (have: {', '.join(available)})")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(HERE.parent))
    # Benchmarks write accounts, posts and events: give them a scratch database and var/ folder so the demo
    # database is left as it was found and a second run starts from the same state as the first.
    # (Inside a test process Django is already set up on the test database: use that.)
    import django
    from django.conf import settings
    from django.core.management import call_command

    scratch = None
    if not settings.configured:
        scratch = tempfile.mkdtemp(prefix="fansub-bench-")
        os.environ["FANSUB_VAR_DIR"] = scratch
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        django.setup()
        call_command("migrate", verbosity=0)
    try:
        return _run(args.names or available)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def _run(names: list[str]) -> int:
    failed: list[str] = []
    ran = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        entry = getattr(module, "main", None)
        if not callable(entry):
            continue
        print(f"== bench.{name} ==", flush=True)
        started = time.perf_counter()
        try:
            figures = entry()
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        ran += 1
        if isinstance(figures, dict):
            for key, value in figures.items():
                print(f"  {key}: {value}")
        print(f"  ({time.perf_counter() - started:.1f}s)\n", flush=True)
    print(f"{ran} benchmark(s) ran" + (f", failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed or not ran else 0


if __name__ == "__main__":
    sys.exit(main())

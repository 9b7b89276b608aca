"""Charges per second through the simulator, end to end, on SQLite — and beside it, the same charges
through the Stripe adapter (the real ``stripe`` library over HTTP) against the local wire fake
(tests/payments_providers/fake_stripe.py), with the ratio of the two printed. The fake answers in
microseconds, so the ratio is what the adapter path itself costs (form encoding, HTTP round trip,
JSON decoding, PaymentIntent mapping), not Stripe's own latency.

One charge = the purchases.charge() call: write-ahead Payment + SaleRecord, the simulator's
PaymentIntent, the ledger transaction (5-6 entries, row-locked cached balances), the receipt with
its gap-free number, the outbox event, and the simulator webhook + receipt email queued to the
Celery broker (filesystem transport, as in `make run`). Runs in a throwaway database under a
temporary folder so the numbers do not depend on (or pollute) the demo data.

    python -m bench.charges [--n 1000] [--n-stripe 300] [--profile]
"""

import argparse
import os
import sys
import tempfile
import time


def setup(folder: str) -> None:
    os.environ["FANSUB_VAR_DIR"] = folder
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.setdefault("DJANGO_ENV", "development")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command

    from config.celery import ensure_broker_folders

    call_command("migrate", verbosity=0)
    ensure_broker_folders()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--n-stripe", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(sys.argv[1:] if __name__ == "__main__" else [])
    with tempfile.TemporaryDirectory(prefix="fansub-bench-") as folder:
        setup(folder)
        from payments.money import Money
        from payments.services import purchases
        from payments.services.verify import verify
        from payments.tax.location import TaxEvidence
        from tests.factories import make_creator, make_fan

        fan, creator = make_fan(), make_creator()  # factory handles are unique: benchmarks share a database
        evidence = TaxEvidence(billing_country="GB", ip_country="GB")
        card = "4000008260000000"

        def run(count: int, prefix: str, who: tuple = (fan, creator), method: str = card) -> None:
            for i in range(count):
                outcome = purchases.charge(who[0], who[1], Money(999, "GBP"), "tip", f"{prefix}-{i}", f"{prefix}:{i}",
                                           method, tax_evidence=evidence)
                if not outcome.succeeded:
                    raise SystemExit(f"charge {i} did not succeed: {outcome.status}")

        run(50, "warmup")
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        started, cpu_started = time.perf_counter(), time.process_time()
        run(args.n, "bench")
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if args.profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(35)
        from payments.models import LedgerTransaction, Receipt

        report = verify()
        print(f"charges: {args.n} in {elapsed:.2f}s = {args.n / elapsed:.0f} charges/s "
              f"({elapsed / args.n * 1000:.2f} ms each) on SQLite, simulator, end to end")
        print(f"  CPU {cpu / args.n * 1000:.2f} ms per charge in this process; machine load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work slows the wall-clock figure)")
        print(f"  ledger transactions {LedgerTransaction.objects.count()}, receipts {Receipt.objects.count()}, "
              f"ledger_verify {'OK' if report.ok else 'FAILED'}")
        if not report.ok:
            raise SystemExit(1)
        if args.n_stripe > 0:
            stripe_rate = run_stripe_fake(args.n_stripe, run)
            simulator_rate = args.n / elapsed
            print(f"charges through the Stripe adapter + local fake: {stripe_rate:.0f} charges/s "
                  f"({1000 / stripe_rate:.2f} ms each); ratio to the simulator {stripe_rate / simulator_rate:.2f}x "
                  f"(anchor: the simulator figure above, same run)")
            report = verify()
            print(f"  ledger_verify after both {'OK' if report.ok else 'FAILED'}")
            if not report.ok:
                raise SystemExit(1)


def run_stripe_fake(count: int, run: object) -> float:
    """The same charges, routed to the Stripe adapter, against the local fake: charges per second."""
    from django.test import override_settings

    from payments.providers import registry
    from tests.factories import make_creator, make_fan
    from tests.payments_providers.fake_stripe import FakeStripe

    fake = FakeStripe().start()
    try:
        with override_settings(PAYMENTS_ROUTING={"default": "stripe", "adult": "simulator"},
                               STRIPE_SECRET_KEY=fake.api_key, STRIPE_WEBHOOK_SECRETS=["whsec_bench"],
                               STRIPE_LIVEMODE=False, STRIPE_API_BASE=fake.url, STRIPE_MAX_NETWORK_RETRIES=0):
            registry.reset()
            who = (make_fan(handle="bench_fan_stripe"), make_creator(handle="bench_creator_stripe"))
            run(20, "stripe-warmup", who, "pm_card_visa")  # type: ignore[operator]
            started = time.perf_counter()
            run(count, "stripe-bench", who, "pm_card_visa")  # type: ignore[operator]
            elapsed = time.perf_counter() - started
    finally:
        registry.reset()
        fake.stop()
    return count / elapsed


if __name__ == "__main__":
    main()

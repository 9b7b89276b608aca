"""Mass-message delivery throughput: recipients per second through the real delivery service.

Run: python -m bench.mass_messages  (uses a throwaway SQLite database under var/bench/)
Target (issue 4/5): ≥ 2,000 recipients/s on SQLite on a 2-core machine.
"""

import os
import statistics
import sys
import tempfile
import time
import uuid


def main(recipients: int = 5000, runs: int = 3) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    folder = tempfile.mkdtemp(prefix="bench-mass-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["FANSUB_VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_ENV", "test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.utils import timezone

    from fansub.accounts.models import CreatorProfile, FanProfile, User
    from fansub.messaging.models import MassMessage
    from fansub.messaging.services import mass_delivery
    from fansub.offers.models import Tier
    from fansub.subscriptions.models import Subscription

    run = uuid.uuid4().hex[:6]  # unique per run: benchmarks share one scratch database
    creator = User.objects.create_user(email=f"mm-creator-{run}@example.test", handle=f"mm_creator_{run}",
                                       password="x" * 12, role="creator")
    CreatorProfile.objects.create(user=creator, display_name="Bench")
    tier = Tier.objects.create(creator=creator, name="Bench", price_minor=999, currency="USD")
    now = timezone.now()
    fans = User.objects.bulk_create([User(email=f"mm-{run}-{i}@example.test", handle=f"mm_{run}_{i}", role="fan",
                                          password="!") for i in range(recipients)])
    FanProfile.objects.bulk_create([FanProfile(user=f) for f in fans])
    Subscription.objects.bulk_create([Subscription(fan=f, creator=creator, tier=tier, status="active",
                                                   current_period_start=now,
                                                   current_period_end=now + timezone.timedelta(days=30))
                                      for f in fans])
    rates = []
    for run in range(runs):
        mass = MassMessage.objects.create(creator=creator, text=f"Hello number {run}", segment="subscribers")
        started = time.perf_counter()
        delivered = mass_delivery.deliver(mass.pk)
        elapsed = time.perf_counter() - started
        rates.append(delivered / elapsed)
        print(f"run {run + 1}: {delivered} recipients in {elapsed:.3f}s = {delivered / elapsed:,.0f}/s")
    result = {"recipients": recipients, "median_recipients_per_second": round(statistics.median(rates))}
    print(f"mass messages: median {result['median_recipients_per_second']:,} recipients/s "
          f"(target >= 2,000/s)")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)

"""Mass-message delivery throughput: recipients per second through the real delivery service.

Run: python -m bench.mass_messages  (uses a throwaway SQLite database under var/bench/)
Target (issue 4/5): ≥ 2,000 recipients/s on SQLite on a 2-core machine.

Anchor, measured in the same run on the same database: the floor of any fan-out, one Message row per
recipient written by bulk_create into threads that already exist, in one transaction, with no gate, segment,
adult or receipt work. The ratio says what the delivery service costs above that floor.
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
    from django.db import transaction
    from django.utils import timezone

    from fansub.accounts.models import CreatorProfile, FanProfile, User
    from fansub.messaging.models import MassMessage, Message, MessageThread
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
    thread_ids = list(MessageThread.objects.filter(creator=creator).values_list("id", flat=True))
    anchor_rates = []
    for run in range(runs):
        started = time.perf_counter()
        with transaction.atomic():
            Message.objects.bulk_create([Message(thread_id=t, sender=creator, text=f"Anchor {run}")
                                         for t in thread_ids])
        anchor_rates.append(len(thread_ids) / (time.perf_counter() - started))
    median, anchor = statistics.median(rates), statistics.median(anchor_rates)
    result = {"recipients": recipients, "median_recipients_per_second": round(median),
              "anchor_rows_per_second": round(anchor), "ratio_to_anchor": round(median / anchor, 3)}
    print(f"mass messages: median {median:,.0f} recipients/s (target >= 2,000/s); anchor (bare bulk_create of "
          f"one Message per recipient) {anchor:,.0f}/s; ratio {median / anchor:.2f}")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)

"""Fan feed throughput against a bare Django view, on the same server in the same run.

Run: python -m bench.feed  (a throwaway SQLite database; a gunicorn server with one sync worker on a
free local port; a keep-alive client sends requests for a fixed time to each URL in turn).
Target (issue 3/5): the feed (20 posts from 10 creators) reaches >= 25% of the bare view's rate.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS_PER_ROUND = 3.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(env: dict[str, str]) -> str:
    code = """
import django; django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from rest_framework.authtoken.models import Token
from fansub.accounts.models import CreatorProfile, FanProfile, Follow, User
from fansub.offers.models import Tier
from fansub.posts.models import Post
from fansub.subscriptions.models import Subscription
fan = User.objects.create_user(email="bench-fan@example.test", handle="bench_fan", password="x" * 12, role="fan")
FanProfile.objects.create(user=fan, country="US", region="US-TX")
now = timezone.now()
for c in range(10):
    creator = User.objects.create_user(email=f"c{c}@example.test", handle=f"bench_creator_{c}", password="x" * 12,
                                       role="creator")
    CreatorProfile.objects.create(user=creator, display_name=f"Creator {c}")
    tier = Tier.objects.create(creator=creator, name="Fans", price_minor=999, currency="USD")
    if c % 2:
        Follow.objects.create(fan=fan, creator=creator)
    else:
        Subscription.objects.create(fan=fan, creator=creator, tier=tier, status="active",
                                    current_period_start=now, current_period_end=now + timezone.timedelta(days=30))
    for p in range(2):
        post = Post.objects.create(creator=creator, text=f"post {p}", status="published", published_at=now,
                                   audience_public=p == 0)
        post.audience_tiers.set([tier] if p else [])
print(Token.objects.create(user=fan).key)
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    return out.stdout.strip().splitlines()[-1]


def _rate(port: int, path: str, headers: dict[str, str]) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    count, deadline = 0, time.perf_counter() + SECONDS_PER_ROUND
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        count += 1
    conn.close()
    return count / (time.perf_counter() - started)


def main() -> dict:
    folder = tempfile.mkdtemp(prefix="bench-feed-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV": "production",
           "SECRET_KEY": "bench-only-" + "x" * 50, "TELEMETRY_PSEUDONYM_KEY": "bench", "ALLOWED_HOSTS": "127.0.0.1",
           "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtMDE=", "SECURE_SSL_REDIRECT": "false",
           "PAYMENTS_ALLOW_SIMULATOR": "true", "WATERMARK_FORENSIC_KEY": "bench",
           "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "FANSUB_VAR_DIR": folder,
           "TELEMETRY_REQUEST_SAMPLE_RATE": "1.0", "LOG_LEVEL": "WARNING"}
    token = _seed(env)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1",
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        auth = {"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"}
        bare, feed = [], []
        _rate(port, "/healthz/", {"X-Forwarded-Proto": "https"})  # warm up
        for _ in range(3):
            bare.append(_rate(port, "/healthz/", {"X-Forwarded-Proto": "https"}))
            feed.append(_rate(port, "/api/v1/feed/?page_size=20", auth))
    finally:
        server.terminate()
        server.wait(timeout=20)
    result = {"bare_view_rps": round(statistics.median(bare), 1), "feed_rps": round(statistics.median(feed), 1)}
    result["feed_share_of_bare"] = round(result["feed_rps"] / result["bare_view_rps"], 3)
    print(f"bare view: {result['bare_view_rps']} req/s · feed (20 posts, 10 creators): {result['feed_rps']} req/s "
          f"= {result['feed_share_of_bare']:.0%} of bare (target >= 25%)")
    return result


if __name__ == "__main__":
    main()

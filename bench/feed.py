"""Fan pages (feed, creator profile, post) against a bare Django JSON view, served the same way in the same run.

Run: python -m bench.feed  (about a minute: a throwaway SQLite database seeded with realistic rows; the
project on production settings — DEBUG off, telemetry at its default sampling — and a bare Django project
generated in a temp dir with one view returning JsonResponse, each under gunicorn with one sync worker on a
free local port; a keep-alive client sends requests for a fixed time to each URL in turn, three rounds, and
the median of the rounds is reported).

The seed: an age-assured fan (US-TX, safe mode off) who follows and subscribes to 10 creators (half of them
adult, all identity-verified, five tiers each, the fan on a middle tier so some posts stay locked and show
previews); each creator's 2 newest posts carry 2 photos and 1 video (media rows with final, thumbnail,
preview and — for adult items — safe-preview renditions; videos with a poster), so every page signs final
and poster URLs. One creator has 10 older posts and a pinned one for the profile page.
Target (issue 16): each page reaches >= 25% of the bare view's rate. Besides the rates (wall clock), each
line gives the CPU time the serving worker used per request (from /proc, median of the rounds) and the same
ratio by CPU: on a shared machine the rates move with everyone else's load, the CPU figures much less.
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS_PER_ROUND = 3.0
ROUNDS = 3

_SEED = """
import django; django.setup()
import datetime, uuid
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)  # production serves the hashed manifest
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.utils import timezone
from fansub.accounts.models import CreatorProfile, FanProfile, Follow, User
from fansub.media.models import MediaItem, MediaUse, Rendition
from fansub.offers.models import Tier
from fansub.posts.models import Post
from fansub.subscriptions.models import Subscription
from fansub.verification.models import AgeCheck, IdentityVerification

now = timezone.now()
fan = User.objects.create_user(email="bench-fan@example.test", handle="bench_fan", password="x" * 12, role="fan")
FanProfile.objects.create(user=fan, country="US", region="US-TX", safe_mode=False)
AgeCheck.objects.create(user=fan, provider="simulator", provider_reference="bench", method="photo_id_match",
                        jurisdiction="US-TX", status="approved", decided_at=now,
                        expires_at=now + datetime.timedelta(days=300))

def media(creator, kind, adult):
    item = MediaItem.objects.create(creator=creator, kind=kind, state="ready", is_adult=adult, source_format="jpeg",
                                    size_bytes=3_000_000, sha256=uuid.uuid4().hex * 2, width=3000, height=4000,
                                    duration_ms=65_000 if kind == "video" else None, processed_at=now)
    kinds = ["final", "thumbnail", "preview"] + (["safe_preview"] if adult else []) + (
        ["poster"] if kind == "video" else [])
    for r in kinds:
        Rendition.objects.create(media_item=item, kind=r, storage_key=f"r/{uuid.uuid4().hex}",
                                 content_type="video/mp4" if kind == "video" and r == "final" else "image/jpeg",
                                 size_bytes=100_000, width=2048 if r == "final" else 480,
                                 height=2730 if r == "final" else 640)
    return item

def post(creator, text, when, tiers, *, public=False, pinned=False, adult=False):
    p = Post.objects.create(creator=creator, text=text, status="published", published_at=when,
                            audience_public=public, is_pinned=pinned, is_adult=adult)
    p.audience_tiers.set(tiers)
    for index, kind in enumerate(("image", "image", "video")):
        item = media(creator, kind, adult or creator.creator_profile.is_adult)
        MediaUse.objects.create(media_item=item, kind="post", object_id=str(p.pk))
    return p

featured = None
for c in range(10):
    adult = c % 2 == 0
    creator = User.objects.create_user(email=f"c{c}@example.test", handle=f"bench_creator_{c}", password="x" * 12,
                                       role="creator")
    CreatorProfile.objects.create(user=creator, display_name=f"Creator {c}", is_adult=adult)
    IdentityVerification.objects.create(user=creator, status="approved", decided_at=now,
                                        valid_until=timezone.localdate() + datetime.timedelta(days=365))
    tiers = [Tier.objects.create(creator=creator, name=f"Tier {t}", price_minor=499 + 500 * t, currency="USD",
                                 includes_lower_tiers=t % 2 == 0) for t in range(5)]
    Follow.objects.create(fan=fan, creator=creator)
    Subscription.objects.create(fan=fan, creator=creator, tier=tiers[2], status="active", current_period_start=now,
                                current_period_end=now + datetime.timedelta(days=30))
    if c == 0:
        featured = creator
        for p in range(10):
            post(creator, f"older post {p}", now - datetime.timedelta(days=2, minutes=p), [tiers[p % 5]])
        post(creator, "pinned", now - datetime.timedelta(days=3), [], public=True, pinned=True)
    for p in range(2):
        last = post(creator, f"post {p} " + "words " * 30, now - datetime.timedelta(minutes=10 * c + p),
                    [tiers[(c + p) % 5]], adult=adult and p == 1)

session = SessionStore()
session[SESSION_KEY] = str(fan.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]  # what login() stores
session[HASH_SESSION_KEY] = fan.get_session_auth_hash()
session.create()
post_id = Post.objects.filter(creator=featured, text__startswith="post 1").values_list("pk", flat=True).first()
print(session.session_key, featured.handle, post_id)
"""

_BARE_SETTINGS = """
SECRET_KEY = "bench-bare-" + "x" * 50
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bare_urls"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_TZ = True
"""

_BARE_URLS = """
from django.http import JsonResponse
from django.urls import path

def hello(request):
    return JsonResponse({"ok": True, "items": [1, 2, 3]})

urlpatterns = [path("", hello)]
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(app: str, cwd: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", app, "--workers", "1", "--worker-class", "sync",
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=cwd, env=env)
    for _ in range(150):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError(f"{app} did not start")


def _worker_pid(master: int) -> int:
    """The one gunicorn worker (the master's child)."""
    for _ in range(50):
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == master:
                    return int(entry.name)
        time.sleep(0.1)
    raise RuntimeError("no gunicorn worker")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used: on a shared machine, a page's cost that other
    processes' load does not change (wall-clock rates do)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rate(port: int, path: str, headers: dict[str, str], seconds: float = SECONDS_PER_ROUND,
          worker: int | None = None, cpu: list[float] | None = None) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    count, deadline = 0, time.perf_counter() + seconds
    started = time.perf_counter()
    cpu_before = _cpu_seconds(worker) if worker else 0.0
    while time.perf_counter() < deadline:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        count += 1
    conn.close()
    if worker and cpu is not None:
        cpu.append((_cpu_seconds(worker) - cpu_before) / count * 1000)
    return count / (time.perf_counter() - started)


def _check_page(port: int, path: str, headers: dict[str, str]) -> None:
    """The page must really carry signed finals and posters (and locked previews on the feed)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)  # the first request loads everything
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    if response.status != 200 or "/media/s/" not in body or "poster=" not in body:
        raise RuntimeError(f"{path}: no signed media on the page (status {response.status})")


def main() -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_ENV": "production",
           "SECRET_KEY": "bench-only-" + "x" * 50, "TELEMETRY_PSEUDONYM_KEY": "bench", "ALLOWED_HOSTS": "127.0.0.1",
           "FIELD_ENCRYPTION_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LWRvLW5vdC11c2UtMDE=", "SECURE_SSL_REDIRECT": "false",
           "PAYMENTS_ALLOW_SIMULATOR": "true", "WATERMARK_FORENSIC_KEY": "bench",
           "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3", "FANSUB_VAR_DIR": str(folder), "LOG_LEVEL": "WARNING"}
    env.pop("TELEMETRY_REQUEST_SAMPLE_RATE", None)  # the production default
    env.pop("DEBUG", None)
    seeded = subprocess.run([sys.executable, "-c", _SEED], cwd=ROOT, env=env, capture_output=True, text=True)
    if seeded.returncode:
        raise RuntimeError(seeded.stderr[-3000:])
    session_key, handle, post_id = seeded.stdout.strip().splitlines()[-1].split()
    bare_dir = folder / "bare"
    bare_dir.mkdir()
    (bare_dir / "bare_settings.py").write_text(textwrap.dedent(_BARE_SETTINGS))
    (bare_dir / "bare_urls.py").write_text(textwrap.dedent(_BARE_URLS))
    (bare_dir / "bare_wsgi.py").write_text("from django.core.wsgi import get_wsgi_application\n"
                                           "application = get_wsgi_application()\n")
    bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bare_settings", "PYTHONPATH": str(bare_dir)}
    app, app_port = _serve("config.wsgi:application", ROOT, env)
    bare, bare_port = _serve("bare_wsgi:application", bare_dir, bare_env)
    pages = {"feed": "/feed/", "profile": f"/c/{handle}/", "post": f"/p/{post_id}/",
             "api_feed": "/api/v1/feed/?page_size=20"}
    headers = {"Cookie": f"sessionid={session_key}", "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}
    rates: dict[str, list[float]] = {name: [] for name in ["bare", *pages]}
    cpu_ms: dict[str, list[float]] = {name: [] for name in ["bare", *pages]}
    try:
        app_worker, bare_worker = _worker_pid(app.pid), _worker_pid(bare.pid)
        for name, path in pages.items():
            if name != "api_feed":
                _check_page(app_port, path, headers)
            _rate(app_port, path, headers, seconds=0.5)  # warm up
        _rate(bare_port, "/", {"Host": "127.0.0.1"}, seconds=0.5)
        for _ in range(ROUNDS):
            rates["bare"].append(_rate(bare_port, "/", {"Host": "127.0.0.1"}, worker=bare_worker,
                                       cpu=cpu_ms["bare"]))
            for name, path in pages.items():
                rates[name].append(_rate(app_port, path, headers, worker=app_worker, cpu=cpu_ms[name]))
    finally:
        for server in (app, bare):
            server.terminate()
            server.wait(timeout=20)
    result = {f"{name}_rps": round(statistics.median(values), 1) for name, values in rates.items()}
    result.update({f"{name}_cpu_ms": round(statistics.median(values), 2) for name, values in cpu_ms.items()})
    anchor, anchor_cpu = result["bare_rps"], result["bare_cpu_ms"]
    print(f"anchor (bare Django JsonResponse, gunicorn 1 sync worker): {anchor} req/s, "
          f"{anchor_cpu} ms CPU per request in the worker")
    for name, path in pages.items():
        share = result[f"{name}_rps"] / anchor
        cpu_share = anchor_cpu / result[f"{name}_cpu_ms"] if result[f"{name}_cpu_ms"] else 0.0
        result[f"{name}_share_of_bare"] = round(share, 3)
        result[f"{name}_cpu_share_of_bare"] = round(cpu_share, 3)
        print(f"{name:9s} {path:28s} {result[f'{name}_rps']:8.1f} req/s = {share:.1%} of bare (target >= 25%); "
              f"{result[f'{name}_cpu_ms']:.2f} ms CPU = {cpu_share:.1%} of bare by CPU")
    return result


if __name__ == "__main__":
    main()

"""Rendered fan pages (feed, creator profile, post page) cached per viewer, exact to the data they show.

A page is stored under the viewer, the URL and the version stamps it was rendered at
(``fansub.posts.page_stamps``: one small query per request reads them). Every change a page shows bumps a stamp
in the change's own transaction, so the next request after a commit misses and renders afresh; nothing is
ever invalidated by hand. What is left to time is bounded by ``PAGE_CACHE_SECONDS`` (default 30): relative
times ("5 minutes ago") and rules that lapse by the clock alone (a subscription period ending, a scheduled
post going live); the signed media links on a page outlive that by far (``MEDIA_SIGNED_URL_TTL_SECONDS``).

Per-request parts are holes filled on the way out: the CSRF token (each browser has its own secret). A
request with flash messages waiting is rendered fresh and not stored, as is any answer but a 200.
"""

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from fansub.posts.page_stamps import Stamp
from governance.services.two_factor import has_staff_powers

# Stands in for the CSRF token in a stored page: letters only, so escaping leaves it as it is.
CSRF_HOLE = "csrfholecsrfholecsrfholecsrfholecsrfholecsrfholecsrfholecsrfhole"
CACHE_ALIAS = "pages"


def hole_context(context: dict[str, Any]) -> dict[str, Any]:
    """The view's template context with the per-request values replaced by holes."""
    return {**context, "csrf_token": CSRF_HOLE}


@cache
def _release() -> str:
    """What the deployed templates and static files are: a deploy that changes either starts a new cache."""
    digest = hashlib.blake2b(digest_size=8)
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    for folder in sorted(f for f in folders if f.is_dir()):
        for path in sorted(folder.rglob("*.html")):
            digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()


def _cacheable(request: HttpRequest) -> bool:
    if not settings.PAGE_CACHE_SECONDS or request.method != "GET":
        return False
    return not len(get_messages(request))  # counting does not consume them


def _key(name: str, request: HttpRequest, stamp: Stamp) -> str:
    viewer = request.user.pk if request.user.is_authenticated else 0
    # The path and the one parameter these pages read: other query strings cannot fill the cache with copies.
    url = hashlib.blake2b(f"{request.path}?{request.GET.get('cursor', '')}".encode(), digest_size=12).hexdigest()
    staff = int(has_staff_powers(request))
    return f"page:{_release()}:{name}:{viewer}:{staff}:{stamp.key()}:{url}"


def _filled(body: str, request: HttpRequest) -> str:
    return body.replace(CSRF_HOLE, get_token(request)) if CSRF_HOLE in body else body


def serve(request: HttpRequest, name: str, stamp: Stamp | None,
          build: Callable[[], tuple[HttpResponse, Any]]) -> tuple[HttpResponse, Any]:
    """The page from the cache when its stamp still holds, else ``build()``'s (stored when it is a plain 200).

    ``build`` renders with ``hole_context`` and returns the response and a small value the view needs on a
    cached answer too (stored beside the page). ``stamp`` None: nothing to key on (no such subject): built.
    """
    store = caches[CACHE_ALIAS]
    key = _key(name, request, stamp) if stamp is not None and _cacheable(request) else None
    if key is not None:
        hit = store.get(key)
        if hit is not None:
            body, extra = hit
            return HttpResponse(_filled(body, request)), extra
    response, extra = build()
    if getattr(response, "streaming", False) or response.status_code != 200:
        return response, extra
    body = response.content.decode(response.charset)
    if key is not None and not response.cookies:
        store.set(key, (body, extra), settings.PAGE_CACHE_SECONDS)
    response.content = _filled(body, request)
    return response, extra

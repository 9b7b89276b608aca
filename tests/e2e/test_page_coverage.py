"""Every page the site serves is in the accessibility and phone suites (``tests/e2e/pages.py``).

The project's URL patterns (outside /admin/ and /api/, which have their own checks) are enumerated; each must be
visited by some role in ``PAGES`` or be listed below with why it is no page. A new page template fails here
until it is added to ``PAGES``. Action endpoints are checked to really refuse GET, so nothing hides here.
"""

import pytest
from django.test import Client
from django.urls import get_resolver, resolve
from django.urls.resolvers import URLPattern, URLResolver

from tests.e2e.pages import ADMIN_PAGES, PAGES
from tests.factories import make_fan

# Not HTML pages: bytes, files, machine endpoints. Visiting them with axe would test nothing.
NOT_PAGES = {
    "payments/webhooks/<str:provider>/": "provider webhook (POST, JSON from the provider)",
    "payments/receipts/<uuid:public_id>/pdf/": "receipt as a PDF download",
    "healthz/": "health probe (JSON)",
    "favicon.ico": "icon bytes",
    "metrics": "Prometheus metrics (text exposition)",
    "creators/<str:handle>/<str:which>.jpg": "avatar/banner image bytes",
    "studio/export/<slug:table>.csv": "CSV download",
    "studio/money/statements/<int:statement_id>.csv": "CSV download",
    "studio/money/statements/<int:statement_id>.pdf": "PDF download",
    "media/p/<uuid:public_id>/<str:kind>/": "media preview bytes",
    "media/s/<str:token>/": "signed media bytes (finals, video ranges)",
    "media/s/<str:token>/index.m3u8": "a viewer's HLS playlist (text for the player)",
    "media/hls/<str:token>/": "one signed HLS segment (MPEG-TS bytes)",
    "account/privacy/export/<str:token>/": "data export ZIP download",
}

# Form actions: they answer POST and redirect back to a page that is covered. GET is refused (checked below).
ACTIONS = {
    "logout/": "/logout/",
    "account/profile/image/": "/account/profile/image/",
    "account/notifications/read-all/": "/account/notifications/read-all/",
    "account/notifications/<int:notification_id>/open/": "/account/notifications/1/open/",
    "c/<str:handle>/follow/": "/c/someone/follow/",
    "p/<int:post_id>/like/": "/p/1/like/",
    "p/<int:post_id>/comment/": "/p/1/comment/",
    "account/subscriptions/<int:subscription_id>/": "/account/subscriptions/1/",
    "requests/<int:request_id>/action/": "/requests/1/action/",
    "media/<uuid:public_id>/delete/": "/media/00000000-0000-0000-0000-000000000001/delete/",
    "studio/money/payout-account/": "/studio/money/payout-account/",
}

# Sample values so a PAGES entry resolves to its pattern without building the site.
SAMPLE = {"creator": "ada_paints", "adult": "after_dark", "post": "1", "ppv_post": "2", "thread": "1", "tier": "1",
          "receipt": "00000000-0000-0000-0000-000000000001", "payment": "00000000-0000-0000-0000-000000000002",
          "request": "1", "media": "00000000-0000-0000-0000-000000000003", "message": "1", "trial": "trial-code",
          "release": "1", "statement": "1", "notice": "00000000-0000-0000-0000-000000000004", "action": "1",
          "fan": "fan_one", "age_reference": "ref", "threeds": "tok", "suit": "tok", "reset_uid": "MQ",
          "reset_token": "set-password", "email_token": "tok", "dsar": "1", "hold": "1", "refund": "1",
          "payout": "1", "report": "1", "notice_pk": "1", "receipt_pk": "1"}


def _patterns(resolver: URLResolver, prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _site_patterns() -> set[str]:
    return {p for p in _patterns(get_resolver()) if not p.startswith(("admin/", "api/"))}


def _covered() -> set[str]:
    covered = set()
    for paths in PAGES.values():
        for path in paths:
            covered.add(resolve(path.format(**SAMPLE).split("?")[0]).route)
    return covered


def test_every_page_pattern_is_visited_by_the_accessibility_suite():
    missing = sorted(_site_patterns() - _covered() - set(NOT_PAGES) - set(ACTIONS))
    assert missing == [], "pages not in tests/e2e/pages.py PAGES (add them, or justify in NOT_PAGES):\n" + "\n".join(
        missing)


def test_the_exclusion_lists_name_real_patterns_only():
    patterns = _site_patterns()
    assert set(NOT_PAGES) <= patterns and set(ACTIONS) <= patterns
    assert not (set(NOT_PAGES) | set(ACTIONS)) & _covered()


@pytest.mark.django_db
def test_listed_actions_are_not_pages():
    client = Client()
    client.force_login(make_fan())
    for route, url in ACTIONS.items():
        assert resolve(url).route == route
        assert client.get(url).status_code == 405, f"{url} answers GET: it is a page, put it in PAGES"


def test_the_staff_screens_cover_the_main_desks():
    visited = " ".join(ADMIN_PAGES)
    for desk in ("payments/refundrequest", "payments/payout", "moderation/report", "governance/datasubjectrequest",
                 "warehouse/"):
        assert f"/admin/{desk}" in visited, desk


@pytest.mark.django_db
def test_every_listed_page_renders_for_its_role(django_capture_on_commit_callbacks):
    """A listed page that answered 404 or redirected would let axe check the wrong template: each must be 200."""
    from tests.e2e.pages import STATUS, build_site, fill, session_cookie

    with django_capture_on_commit_callbacks(execute=True):
        site = build_site()
    wrong = []
    for role in PAGES:
        client = Client()
        cookie = session_cookie(role, site)
        if cookie:
            client.cookies["sessionid"] = cookie
        for path in PAGES[role]:
            url = fill(path, site)
            status = client.get(url).status_code
            if status != STATUS.get((role, path), 200):
                wrong.append(f"{role} {url}: {status}")
    assert wrong == [], "\n".join(wrong)

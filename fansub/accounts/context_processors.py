from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from fansub.accounts.selectors import unread_notification_count
from governance.services.two_factor import has_staff_powers


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(getattr(user, "is_authenticated", False))
    return {
        "SITE_NAME": "Fan-Sub", "DJANGO_ENV": settings.DJANGO_ENV,
        # The nav's unread badge, and whether the Admin link leads anywhere (a password-only staff session
        # without its second factor has no staff powers, so it sees no admin links).
        # Lazy: counted only when a page draws the nav (the admin never does).
        "UNREAD_NOTIFICATIONS": SimpleLazyObject(lambda: unread_notification_count(user)) if signed_in else 0,
        "SHOW_ADMIN_LINKS": signed_in and bool(getattr(user, "is_staff", False)) and has_staff_powers(request),
    }

"""Every page template the accessibility and phone suites visit, in one place.

Add a new page here and both suites cover it at desktop and phone size. ``{post}``, ``{creator}``,
``{thread}`` and ``{tier}`` are filled from the data ``build_site()`` makes. Each list is visited as its role.
"""

from django.test import Client

from fansub.accounts.models import Follow
from fansub.accounts.services import notifications
from fansub.messaging.services.messages import start_conversation
from tests.factories import make_creator, make_fan, make_post, make_staff, make_tier, verified_login

PAGES: dict[str, list[str]] = {
    "anonymous": [
        "/", "/signup/", "/login/", "/creators/", "/creators/?q=ada", "/c/{creator}/", "/c/{adult}/",
        "/p/{post}/", "/account/password-reset/", "/account/password-reset/sent/", "/admin/login/",
    ],
    "fan": [
        "/", "/welcome/", "/feed/", "/creators/", "/c/{creator}/", "/c/{adult}/", "/p/{post}/",
        "/account/profile/", "/account/password/", "/account/email/", "/account/notifications/",
        "/account/notifications/settings/", "/account/creator-setup/", "/account/subscriptions/",
        "/messages/", "/messages/{thread}/", "/requests/", "/payments/purchases/", "/payments/cards/",
        "/verify/age/",
        "/c/{creator}/tip/", "/c/{creator}/subscribe/{tier}/", "/c/{creator}/request/",
    ],
    "creator": [
        "/", "/account/profile/", "/account/creator-setup/", "/account/notifications/",
        "/studio/compose/", "/studio/tiers/", "/studio/subscribers/", "/studio/earnings/", "/studio/money/",
        "/studio/mass-message/", "/studio/request-settings/", "/media/", "/media/upload/", "/messages/",
        "/messages/{thread}/", "/requests/", "/verify/identity/", "/c/{creator}/",
    ],
    "staff": ["/", "/account/profile/", "/account/2fa/", "/admin/", "/admin/accounts/user/"],
}


def build_site() -> dict[str, str]:
    """A small site: a safe creator with a tier, a public post and a conversation, an adult creator,
    a fan who follows and has notifications, and a staff member."""
    creator = make_creator(handle="ada_paints")
    tier = make_tier(creator, name="Sketchbook")
    make_creator(handle="after_dark", adult=True)
    fan = make_fan(handle="fan_one")
    Follow.objects.create(fan=fan, creator=creator)
    post = make_post(creator, public=True, text="A new watercolour of the harbour at dawn.")
    message = start_conversation(fan, creator, "Hello, I love your harbour series!")
    notifications.notify(fan, "new_post", ref="post:demo", title="New post from @ada_paints", url=f"/p/{post.pk}/")
    return {"creator": creator.handle, "adult": "after_dark", "post": str(post.pk), "thread": str(message.thread_id),
            "tier": str(tier.pk), "users": {"fan": fan, "creator": creator, "staff": make_staff(handle="staff_one")}}


def session_cookie(role: str, site: dict) -> str | None:
    """A logged-in session for ``role`` (staff past the second factor), as a cookie value."""
    if role == "anonymous":
        return None
    client = Client()
    user = site["users"][role]
    if role == "staff":
        verified_login(client, user)
    else:
        client.force_login(user)
    return client.cookies["sessionid"].value


def urls_for(role: str, site: dict) -> list[str]:
    return [path.format(**{k: v for k, v in site.items() if isinstance(v, str)}) for path in PAGES[role]]

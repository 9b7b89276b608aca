"""Every page template the accessibility and phone suites visit, in one place.

Add a new page here and both suites cover it at desktop and phone size (``test_page_coverage`` fails while a
page pattern of the site is missing). Placeholders such as ``{post}``, ``{receipt}`` or ``{request}`` are filled
from the data ``build_site()`` makes. Each list is visited as its role; ``admin`` is a superuser past the second
factor, for the staff desks in the admin.
"""

import datetime

from django.core import signing
from django.test import Client
from django.utils import timezone

from fansub.accounts.models import Follow
from fansub.accounts.services import notifications
from fansub.custom_requests.models import CustomRequest, RequestSettings
from fansub.media.models import MediaItem, MediaUse, Rendition
from fansub.messaging.models import Message
from fansub.messaging.services.messages import start_conversation
from fansub.offers.models import TrialLink
from fansub.purchases.services import tips
from fansub.verification.models import AgeCheck, ElectronicRelease
from fansub.verification.services import performers
from governance.models import DataSubjectRequest, LegalHold
from moderation.models import DmcaNotice, ModerationAction, Report
from moderation.services import reports
from moderation.services.counter_notices import suit_token
from payments.models import CreatorStatement, Payment, Receipt
from payments.money import Money
from payments.providers.simulator import SIGNING_SALT  # the 3-D Secure page's signed token
from payments.services import refund_requests
from tests.factories import make_creator, make_fan, make_post, make_staff, make_tier, verified_login

GB_CARD = "4000008260000000"

PAGES: dict[str, list[str]] = {
    "anonymous": [
        "/", "/signup/", "/login/", "/creators/", "/creators/?q=ada", "/c/{creator}/", "/c/{adult}/",
        "/p/{post}/", "/account/password-reset/", "/account/password-reset/sent/", "/admin/login/",
        "/account/reset/{reset_uid}/{reset_token}/", "/account/reset/done/", "/trial/{trial}/",
        "/legal/dmca/", "/legal/dmca/notice/", "/legal/dmca/suit/{suit}/", "/report/", "/report/done/",
        "/transparency/",
    ],
    "fan": [
        "/", "/welcome/", "/feed/", "/creators/", "/c/{creator}/", "/c/{adult}/", "/p/{post}/",
        "/account/profile/", "/account/password/", "/account/email/", "/account/email/confirm/{email_token}/",
        "/account/notifications/", "/account/notifications/settings/", "/account/creator-setup/",
        "/account/subscriptions/", "/account/privacy/", "/messages/", "/messages/{thread}/",
        "/messages/new/{creator}/", "/messages/unlock/{message}/", "/requests/", "/requests/{request}/",
        "/payments/purchases/", "/payments/cards/", "/payments/receipts/{receipt}/",
        "/payments/purchases/{payment}/refund/",
        "/payments/simulator/3ds/{threeds}/", "/verify/age/", "/verify/age/simulator/{age_reference}/",
        "/c/{creator}/tip/", "/c/{creator}/subscribe/{tier}/", "/c/{creator}/request/", "/p/{ppv_post}/unlock/",
        "/library/", "/trial/{trial}/", "/report/post/{post}/", "/moderation/appeal/{action}/",
    ],
    "creator": [
        "/", "/account/profile/", "/account/creator-setup/", "/account/notifications/", "/account/releases/",
        "/account/releases/{release}/", "/studio/", "/studio/compose/", "/studio/posts/", "/studio/posts/{post}/",
        "/studio/vault/", "/studio/vault/fan/{fan}/", "/studio/offers/", "/studio/priced-message/",
        "/studio/settings/", "/studio/tiers/", "/studio/subscribers/", "/studio/earnings/", "/studio/money/",
        "/studio/money/statements/{statement}/", "/studio/money/refunds/", "/studio/mass-message/",
        "/studio/request-settings/", "/studio/dmca/", "/studio/dmca/notices/{notice}/counter-notice/",
        "/studio/dmca/takedown/", "/media/", "/media/upload/", "/media/{media}/", "/messages/",
        "/messages/{thread}/", "/requests/", "/requests/{request}/", "/verify/identity/", "/c/{creator}/",
    ],
    "staff": ["/", "/account/profile/", "/account/2fa/", "/admin/", "/admin/accounts/user/"],
}

# The staff desks in the admin: changelists and change forms of refunds, payouts, moderation, DSARs and holds,
# the audit log and retention runs, and the warehouse dashboards.
ADMIN_PAGES = [
    "/admin/", "/admin/payments/refundrequest/", "/admin/payments/refundrequest/{refund}/change/",
    "/admin/payments/payout/", "/admin/payments/payment/", "/admin/payments/receipt/",
    "/admin/payments/receipt/{receipt_pk}/change/", "/admin/moderation/report/",
    "/admin/moderation/report/{report}/change/", "/admin/moderation/dmcanotice/",
    "/admin/moderation/dmcanotice/{notice_pk}/change/", "/admin/moderation/appeal/",
    "/admin/custom_requests/customrequest/{request}/change/", "/admin/governance/datasubjectrequest/",
    "/admin/governance/datasubjectrequest/{dsar}/change/", "/admin/governance/legalhold/",
    "/admin/governance/legalhold/{hold}/change/", "/admin/governance/auditlog/", "/admin/governance/retentionrun/",
    "/admin/verification/identityverification/", "/admin/warehouse/queryscan/",
    "/admin/warehouse/queryscan/dashboards/executive/", "/admin/warehouse/queryscan/dashboards/trust/",
]
PAGES["admin"] = ADMIN_PAGES

# Pages that are meant to answer something else than 200 (the page is still HTML and is checked like any other).
STATUS: dict[tuple[str, str], int] = {
    ("anonymous", "/c/{adult}/"): 403,  # the 18+ gate
    ("fan", "/c/{adult}/"): 403,  # the 18+ gate: this fan has not passed an age check
    ("staff", "/admin/accounts/user/"): 403,  # staff outside the groups that may see accounts: "not authorized"
}


def _media_item(creator) -> MediaItem:
    item = MediaItem.objects.create(creator=creator, kind="image", state="ready", source_format="jpeg",
                                    original_name="harbour.jpg", size_bytes=1000, sha256="a" * 64, width=800,
                                    height=600)
    Rendition.objects.create(media_item=item, kind="thumbnail", storage_key=f"media/{item.public_id}/thumb.jpg",
                             content_type="image/jpeg", size_bytes=100, width=320, height=240)
    return item


def build_site() -> dict:
    """A small site: a creator with a tier, public and PPV posts, a conversation with a priced message, a tip
    with its receipt and a refund request, a custom request with a delivery, a media item, a trial link, a
    co-performer release, a statement, a DMCA notice, a moderation decision, and staff with privacy cases."""
    creator = make_creator(handle="ada_paints")
    tier = make_tier(creator, name="Sketchbook")
    make_creator(handle="after_dark", adult=True)
    fan = make_fan(handle="fan_one")
    Follow.objects.create(fan=fan, creator=creator)
    post = make_post(creator, public=True, text="A new watercolour of the harbour at dawn.")
    ppv_post = make_post(creator, ppv_minor=500, text="The full sketchbook scan.")
    message = start_conversation(fan, creator, "Hello, I love your harbour series!")
    priced = Message.objects.create(thread_id=message.thread_id, sender=creator, text="A study, just for you",
                                    price_minor=300, currency="USD")
    notifications.notify(fan, "new_post", ref="post:demo", title="New post from @ada_paints", url=f"/p/{post.pk}/")
    tips.send_tip(fan, creator, Money(500, "USD"), idempotency_key="pages-tip", payment_method=GB_CARD,
                  note="For the harbour series")
    payment = Payment.objects.filter(fan=fan).latest("created_at")
    refund = refund_requests.request_refund(fan, str(payment.public_id), reason="accidental",
                                            message="Sent by mistake")
    item = _media_item(creator)
    RequestSettings.objects.create(creator=creator, enabled=True, min_prices={"photo_set": 1000})
    request = CustomRequest.objects.create(
        fan=fan, creator=creator, kind="photo_set", description="The harbour at night, please.", price_minor=2000,
        currency="USD", status="delivered", respond_by=timezone.now(), delivery_note="Here it is!",
        delivered_at=timezone.now())
    MediaUse.objects.create(media_item=item, kind="request", object_id=str(request.pk))
    trial = TrialLink.objects.create(creator=creator, tier=tier, code="harbour-week", days=7, max_claims=10,
                                     expires_at=timezone.now() + datetime.timedelta(days=30))
    co_star = make_creator(handle="co_star", verified=True)
    duet = make_post(co_star, public=True, text="A duet with Ada.")
    performers.tag_creator(co_star, duet.pk, creator.handle)
    release = ElectronicRelease.objects.get(signer=creator)
    statement = CreatorStatement.objects.create(
        creator=creator, currency="USD", period=timezone.localdate().replace(day=1), opening=0, earnings=425,
        refunds=0, chargebacks=0, payouts=0, closing=425, gross=500, tax=0, fees=75)
    notice = DmcaNotice.objects.create(
        status="disabled", signature="/Jane Holder/", copyrighted_work="Photograph 'Sunset 12'",
        infringing_material=f"https://fansub.example/media/{item.public_id}/",
        contact_information="legal@rights.example", good_faith_statement=True, accuracy_statement=True,
        uploader=creator, disabled_at=timezone.now())
    staff = make_staff(handle="staff_one")
    admin = make_staff(handle="admin_one", superuser=True)
    action = ModerationAction.objects.create(subject=fan, kind="restrict", rule="other", actor=admin,
                                             reason="Spam in comments", appeal_until=timezone.now()
                                             + datetime.timedelta(days=14))
    report = _report(fan, post)
    age = AgeCheck.objects.create(user=fan, provider="simulator", provider_reference="sim-ref-1",
                                  method="facial_age_estimation", jurisdiction="GB")
    dsar = DataSubjectRequest.objects.create(subject=fan, kind="access",
                                             due_at=timezone.now() + datetime.timedelta(days=30))
    hold = LegalHold.objects.create(name="Case 1", subject=fan, reason="Litigation", placed_by=admin)
    return {
        "creator": creator.handle, "adult": "after_dark", "post": str(post.pk), "ppv_post": str(ppv_post.pk),
        "thread": str(message.thread_id), "tier": str(tier.pk), "message": str(priced.pk),
        "receipt": str(Receipt.objects.filter(buyer=fan).latest("issued_at").public_id),
        "payment": str(payment.public_id), "refund": str(refund.pk), "request": str(request.pk),
        "media": str(item.public_id), "trial": trial.code, "release": str(release.pk),
        "statement": str(statement.pk), "notice": str(notice.public_id), "notice_pk": str(notice.pk),
        "receipt_pk": str(Receipt.objects.filter(buyer=fan).latest("issued_at").pk), "suit": suit_token(notice),
        "action": str(action.public_id), "report": str(report.pk), "fan": fan.handle,
        "age_reference": age.provider_reference, "threeds": signing.dumps("pi_sim_demo", salt=SIGNING_SALT),
        "reset_uid": "MQ", "reset_token": "invalid-token", "email_token": "invalid-token", "dsar": str(dsar.pk),
        "hold": str(hold.pk),
        "users": {"fan": fan, "creator": creator, "staff": staff, "admin": admin},
    }


def _report(fan, post) -> Report:

    return reports.file_report(fan, target_kind="post", target_id=str(post.pk), category="spam",
                               details="Looks like spam")


def session_cookie(role: str, site: dict) -> str | None:
    """A logged-in session for ``role`` (staff past the second factor), as a cookie value."""
    if role == "anonymous":
        return None
    client = Client()
    user = site["users"][role]
    if role in ("staff", "admin"):
        verified_login(client, user)
    else:
        client.force_login(user)
    return client.cookies["sessionid"].value


def urls_for(role: str, site: dict) -> list[str]:
    return [fill(path, site) for path in PAGES[role]]


def fill(path: str, site: dict) -> str:
    return path.format(**{k: v for k, v in site.items() if isinstance(v, str)})

"""Issue 10, staff: staff powers exist only in sessions and tokens that passed the second factor.

The matrix runs for every staff group and the superuser:
1. API tokens: without a one-time token nothing is minted; with one the token carries staff powers.
2. A password-only session (the site's /login/) is a plain user: no other creator's original media, drafts or
   custom requests, no admin.
3. The admin log-in is one round (email, password, code), throttled, with one message for every failure.
"""

import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from fansub.accounts.forms import STAFF_LOGIN_FAILED
from fansub.accounts.staff_groups import ALL as STAFF_GROUPS
from fansub.custom_requests.services import custom_requests as requests_svc
from fansub.media.services import signing, uploads
from governance.models import AuditLog, StaffTokenVerification
from governance.services import two_factor
from payments.money import Money
from payments.providers import registry
from payments.services import purchases
from payments.tax.location import TaxEvidence
from tests.factories import PASSWORD, make_creator, make_fan, make_post, make_staff
from tests.media import corpus

pytestmark = pytest.mark.django_db

WHO = [*STAFF_GROUPS, "superuser"]
GB_CARD = "4000008260000000"
BACKUP = "bk123456"


def _staff(who: str):
    user = make_staff(superuser=who == "superuser")
    if who != "superuser":
        user.groups.add(Group.objects.get(name=who))
    device = StaticDevice.objects.create(user=user, name="backup")
    device.token_set.create(token=BACKUP)
    return user


def _totp(user) -> tuple[TOTPDevice, str]:
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return device, f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _fresh_providers(settings):
    settings.PAYMENTS_SIMULATOR_WEBHOOKS = True
    registry.reset()
    yield
    registry.reset()


@pytest.fixture
def others(django_capture_on_commit_callbacks):
    """Another creator's original media, draft and a custom request between two other people."""
    creator = make_creator(verified=True)
    data = corpus.jpeg_with_gps(orientation=1)
    with django_capture_on_commit_callbacks(execute=True):
        item = uploads.upload_media(creator, io.BytesIO(data), size=len(data), name="a.jpg",
                                    content_type="image/jpeg").item
    item.refresh_from_db()
    draft = make_post(creator, status="draft", text="unpublished draft words")
    requests_svc.configure(creator, enabled=True, min_prices={"photo_set": 2000}, turnaround_days=5, slots=2,
                           prohibited_topics=[])
    fan = make_fan(country="US", region="US-TX")
    req = requests_svc.submit(fan, creator, kind="photo_set", price=Money(2500, "USD"), desired_by=None,
                              description="A set of photos at the beach in the evening light, please.",
                              payment_method="4242424242424242")
    return {"creator": creator, "item": item, "draft": draft, "request": req}


def _original_url(viewer, item) -> str:
    return f"/media/s/{signing.sign(viewer.pk, item.pk, 'original')}/"


# --- 1. API tokens -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", WHO)
def test_item1_staff_token_without_otp_is_refused(api_client, who):
    staff = _staff(who)
    wrong_password = api_client.post("/api/v1/auth/token/", {"email": staff.email, "password": "not-it-at-all"})
    no_otp = api_client.post("/api/v1/auth/token/", {"email": staff.email, "password": PASSWORD})
    bad_otp = api_client.post("/api/v1/auth/token/", {"email": staff.email, "password": PASSWORD,
                                                      "otp_token": "00000000"})
    for response in (no_otp, bad_otp):
        # the same answer as a wrong password: the endpoint is no password oracle for staff accounts
        assert response.status_code == wrong_password.status_code == 401
        assert response.json() == wrong_password.json()
        assert response.json()["error"]["code"] == "INVALID_CREDENTIALS"
    assert not Token.objects.filter(user=staff).exists()


@pytest.mark.parametrize("who", WHO)
def test_item1_staff_token_with_otp_has_staff_powers(api_client, who, others):
    staff = _staff(who)
    response = api_client.post("/api/v1/auth/token/", {"email": staff.email, "password": PASSWORD,
                                                       "otp_token": BACKUP})
    assert response.status_code == 200
    key = response.json()["token"]
    assert StaffTokenVerification.objects.filter(token__key=key, token__user=staff).exists()
    assert AuditLog.objects.filter(action="staff.api_token_issued", actor=staff).exists()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(f"/api/v1/requests/{others['request'].pk}/").status_code == 200
    # the backup token was single-use: a second mint with it fails
    again = api_client.post("/api/v1/auth/token/", {"email": staff.email, "password": PASSWORD,
                                                    "otp_token": BACKUP})
    assert again.status_code == 401


@pytest.mark.parametrize("who", WHO)
def test_item1_password_only_staff_token_is_a_plain_user(api_client, who, others):
    """A token minted by the old password-only endpoint (still in the database) carries no staff powers."""
    staff = _staff(who)
    old = Token.objects.create(user=staff)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old.key}")
    assert api_client.get("/api/v1/me/").status_code == 200  # still authenticates
    assert api_client.get(f"/api/v1/requests/{others['request'].pk}/").status_code == 404


@pytest.mark.parametrize("who", ["Finance", "superuser"])
def test_item1_refund_through_the_api_needs_the_second_factor(api_client, who):
    fan, creator = make_fan(country="GB"), make_creator()
    payment = purchases.charge(fan, creator, Money(1000, "GBP"), "tip", "t", "k", GB_CARD,
                               tax_evidence=TaxEvidence(billing_country="GB", card_country="GB")).payment
    staff = _staff(who)
    if who == "Finance" and not staff.has_perm("payments.refund_payment"):
        staff.user_permissions.add(Permission.objects.get(codename="refund_payment"))
    url = f"/api/v1/payments/{payment.public_id}/refunds/"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff).key}")  # password-only
    assert api_client.post(url, {"reason": "goodwill"}, HTTP_IDEMPOTENCY_KEY="a").status_code == 403
    key = api_client.post("/api/v1/auth/token/", {"email": staff.email, "password": PASSWORD,
                                                  "otp_token": BACKUP}).json()["token"]
    assert not Token.objects.exclude(key=key).filter(user=staff).exists()  # the old token is gone
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.post(url, {"reason": "goodwill"}, HTTP_IDEMPOTENCY_KEY="b").status_code == 201


def test_item1_staff_token_powers_lapse_after_the_ttl(api_client, others):
    staff = _staff("Trust & Safety")
    key = api_client.post("/api/v1/auth/token/", {"email": staff.email, "password": PASSWORD,
                                                  "otp_token": BACKUP}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api_client.get(f"/api/v1/requests/{others['request'].pk}/").status_code == 200
    StaffTokenVerification.objects.filter(token__key=key).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_client.get(f"/api/v1/requests/{others['request'].pk}/").status_code == 404


def test_item1_fans_still_get_tokens_with_a_password(api_client):
    fan = make_fan()
    response = api_client.post("/api/v1/auth/token/", {"email": fan.email, "password": PASSWORD})
    assert response.status_code == 200 and Token.objects.filter(user=fan, key=response.json()["token"]).exists()


# --- 2. password-only sessions are plain users -------------------------------------------------------------

@pytest.mark.parametrize("who", WHO)
def test_item2_password_only_site_session_is_a_plain_user(client, who, others):
    staff = _staff(who)
    assert client.post("/login/", {"email": staff.email, "password": PASSWORD}).status_code == 302
    assert client.get(_original_url(staff, others["item"])).status_code == 403
    page = client.get(f"/p/{others['draft'].pk}/")
    assert page.status_code == 404 and b"unpublished draft words" not in page.content
    assert client.get(f"/requests/{others['request'].pk}/").status_code == 404
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/payments/payment/").status_code == 302
    # the predicate every gate asks
    assert not two_factor.has_staff_powers(staff)


@pytest.mark.parametrize("who", WHO)
def test_item2_admin_verified_session_has_staff_powers(client, who, others):
    staff = _staff(who)
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD, "otp_token": BACKUP,
                                             "next": "/admin/"})
    assert response.status_code == 302
    assert client.get(_original_url(staff, others["item"])).status_code == 200
    assert client.get(f"/p/{others['draft'].pk}/").status_code == 200
    assert client.get(f"/requests/{others['request'].pk}/").status_code == 200
    assert client.get("/admin/").status_code == 200


# --- 3. one admin log-in form -------------------------------------------------------------------------------

@pytest.mark.parametrize("who", WHO)
def test_item3_admin_login_one_round_with_otp(client, who):
    staff = _staff(who)
    _, code = _totp(staff)  # two confirmed devices: every one is tried, nobody picks a device
    page = client.get("/admin/login/")
    assert b'name="otp_token"' in page.content and b"otp_device" not in page.content
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD, "otp_token": code,
                                             "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_item3_admin_login_failures_all_show_the_same_message(client):
    staff = _staff("Privacy")
    no_device = make_staff()
    fan = make_fan()
    StaticDevice.objects.create(user=fan, name="backup").token_set.create(token=BACKUP)
    attempts = {
        "wrong password": {"username": staff.email, "password": "wrong-password-1", "otp_token": BACKUP},
        "wrong otp": {"username": staff.email, "password": PASSWORD, "otp_token": "99999999"},
        "missing otp": {"username": staff.email, "password": PASSWORD, "otp_token": ""},
        "no device": {"username": no_device.email, "password": PASSWORD, "otp_token": BACKUP},
        "not staff": {"username": fan.email, "password": PASSWORD, "otp_token": BACKUP},
        "unknown account": {"username": "nobody@example.test", "password": PASSWORD, "otp_token": BACKUP},
    }
    for name, data in attempts.items():
        response = client.post("/admin/login/", {**data, "next": "/admin/"})
        assert response.status_code == 200, name
        errors = response.context["form"].errors.as_data()
        assert list(errors) == ["__all__"], name
        assert [e.message for e in errors["__all__"]] == [STAFF_LOGIN_FAILED], name
        assert "_auth_user_id" not in client.session, name
    assert "Please enter your OTP token" not in response.content.decode()


def test_item3_admin_login_is_throttled_after_n_failures(client, settings):
    staff = _staff("Finance")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD,
                                                 "otp_token": "99999999"})
        assert [e.message for e in response.context["form"].errors.as_data()["__all__"]] == [STAFF_LOGIN_FAILED]
    # now even the right password and code are refused, and no session is made
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD, "otp_token": BACKUP,
                                             "next": "/admin/"})
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == ["throttled"]
    assert "_auth_user_id" not in client.session
    assert StaticDevice.objects.get(user=staff).token_set.filter(token=BACKUP).exists()  # not spent
    assert client.get("/admin/").status_code == 302

"""Account pages: sign-up in one round and the first-run path, email and password change, settings links,
creator search, creator onboarding progress, and the staff admin link."""

import re

import pytest
from django.core import mail

from common.errors import CurrentPasswordWrong, EmailChangeLinkInvalid, ValidationFailed
from fansub.accounts.models import User
from fansub.accounts.services import accounts
from governance.models import AuditLog
from tests.factories import PASSWORD, make_creator, make_fan, make_post, make_staff, make_tier, verified_login

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "new@example.test", "handle": "new_fan", "password": "a-long-passphrase-1", "role": "fan",
          "attests_adult": "on", "country": "GB"}


# --- sign-up -------------------------------------------------------------------------------------------
def test_signup_shows_every_error_in_one_round(client):
    make_fan(handle="taken_one")
    response = client.post("/signup/", {**SIGNUP, "email": "not-an-email", "handle": "taken_one",
                                        "password": "short", "attests_adult": ""})
    page = response.content.decode()
    assert response.status_code == 200
    for expected in ("Enter a valid email address.", "This handle is taken.", "18 or older",
                     "Ensure this value has at least 10 characters"):
        assert expected in page, expected
    assert not User.objects.filter(email="not-an-email").exists()


def test_signup_lands_on_the_first_run_page(client):
    response = client.post("/signup/", SIGNUP, follow=True)
    assert response.redirect_chain[-1][0] == "/welcome/"
    page = response.content.decode()
    assert "Verify your age" in page and "Find creators" in page


def test_creator_signup_lands_on_onboarding(client):
    response = client.post("/signup/", {**SIGNUP, "role": "creator"}, follow=True)
    assert response.redirect_chain[-1][0] == "/account/creator-setup/"
    assert "1 of 5 steps done" in response.content.decode()


def test_signup_country_is_a_select_of_iso_countries(client):
    page = client.get("/signup/").content.decode()
    assert re.search(r'<select name="country"[^>]*id="id_country"', page)
    assert '<option value="GB">United Kingdom</option>' in page
    assert client.post("/signup/", {**SIGNUP, "country": "ZZ"}).status_code == 200
    assert not User.objects.filter(handle="new_fan").exists()


# --- password ------------------------------------------------------------------------------------------
def test_password_change_keeps_this_session(client, django_capture_on_commit_callbacks):
    fan = make_fan()
    client.force_login(fan)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/account/password/", {"current_password": PASSWORD,
                                                       "new_password": "another-long-passphrase-2"})
    assert response.status_code == 302
    fan.refresh_from_db()
    assert fan.check_password("another-long-passphrase-2")
    assert client.get("/account/profile/").status_code == 200  # still logged in here
    assert AuditLog.objects.filter(action="account.password_changed").count() == 1
    assert "password was changed" in mail.outbox[0].subject


def test_password_change_refusals(client):
    fan = make_fan()
    with pytest.raises(CurrentPasswordWrong):
        accounts.change_password(fan, "wrong", "another-long-passphrase-2")
    with pytest.raises(ValidationFailed):
        accounts.change_password(fan, PASSWORD, "password123")
    client.force_login(fan)
    page = client.post("/account/password/", {"current_password": "nope", "new_password": "x" * 12}).content.decode()
    assert "current password is not correct" in page
    fan.refresh_from_db()
    assert fan.check_password(PASSWORD)


# --- email -------------------------------------------------------------------------------------------
def test_email_change_through_the_link(client, django_capture_on_commit_callbacks):
    fan = make_fan()
    client.force_login(fan)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/account/email/", {"new_email": "Moved@Example.test", "current_password": PASSWORD})
    assert sorted(m.to[0] for m in mail.outbox) == sorted([fan.email, "moved@example.test"])
    link = next(m for m in mail.outbox if m.to == ["moved@example.test"]).body
    path = re.search(r"http://[^/]+(/account/email/confirm/[^/\s]+/)", link).group(1)
    fan.refresh_from_db()
    assert fan.email != "moved@example.test"  # not before the link is opened
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    fan.refresh_from_db()
    assert fan.email == "moved@example.test"
    assert client.post(path).status_code == 400  # replay: the link is spent


def test_email_change_refusals():
    fan, other = make_fan(), make_fan()
    with pytest.raises(CurrentPasswordWrong):
        accounts.request_email_change(fan, "wrong", "x@example.test")
    with pytest.raises(ValidationFailed):
        accounts.request_email_change(fan, PASSWORD, other.email)
    with pytest.raises(ValidationFailed):
        accounts.request_email_change(fan, PASSWORD, "not an email")
    token = accounts.request_email_change(fan, PASSWORD, "mine@example.test")
    with pytest.raises(EmailChangeLinkInvalid):
        accounts.confirm_email_change(other, token)  # someone else's link
    with pytest.raises(EmailChangeLinkInvalid):
        accounts.confirm_email_change(fan, token + "x")  # tampered


def test_email_taken_meanwhile_is_refused():
    fan = make_fan()
    token = accounts.request_email_change(fan, PASSWORD, "race@example.test")
    make_fan(handle="race")  # race@example.test
    with pytest.raises(ValidationFailed):
        accounts.confirm_email_change(fan, token)


def test_settings_page_links_email_password_notifications_and_deletion(client):
    client.force_login(make_fan())
    page = client.get("/account/profile/").content.decode()
    for href in ('href="/account/email/"', 'href="/account/password/"', 'href="/account/notifications/settings/"',
                 'href="/account/privacy/"'):
        assert href in page
    assert "Delete my account" in page


# --- creators ------------------------------------------------------------------------------------------
def test_creator_search_by_name_handle_tag_and_category(client):
    painter = make_creator(handle="painter")
    accounts.update_creator_profile(painter, {"display_name": "Ada Brush", "tags": "Watercolour, #Tutorials",
                                              "category": "art"})
    make_creator(handle="drummer")
    adult = make_creator(handle="after_dark", adult=True)
    accounts.update_creator_profile(adult, {"tags": "watercolour"})

    def handles(query: str) -> set[str]:
        page = client.get("/creators/" + query).content.decode()
        return set(re.findall(r"@(\w+)", page)) & {"painter", "drummer", "after_dark"}

    assert handles("?q=ada") == {"painter"}
    assert handles("?q=drum") == {"drummer"}
    assert handles("?q=%23watercolour") == {"painter"}  # the adult creator stays hidden in safe mode
    assert handles("?category=art") == {"painter"}
    assert handles("?category=bogus") == {"painter", "drummer"}
    assert painter.creator_profile.__class__.objects.get(user=painter).tags == "watercolour,tutorials"


def test_tags_are_checked():
    creator = make_creator()
    with pytest.raises(ValidationFailed):
        accounts.update_creator_profile(creator, {"tags": ",".join(f"t{i}" for i in range(9))})
    with pytest.raises(ValidationFailed):
        accounts.update_creator_profile(creator, {"tags": "<script>"})


def test_onboarding_shows_progress(client):
    creator = make_creator()
    client.force_login(creator)
    assert "1 of 5 steps done" in client.get("/account/creator-setup/").content.decode()
    make_tier(creator)  # verifies the creator too
    make_post(creator, public=True)
    page = client.get("/account/creator-setup/").content.decode()
    assert "4 of 5 steps done" in page and 'aria-current="step"' in page  # payouts still to do


def test_onboarding_for_a_fan_explains_creator_accounts(client):
    client.force_login(make_fan())
    assert "separate creator accounts" in client.get("/account/creator-setup/").content.decode()


# --- navigation ----------------------------------------------------------------------------------------
def test_password_only_staff_session_sees_no_admin_link(client):
    staff = make_staff()
    client.force_login(staff)
    assert 'href="/admin/"' not in client.get("/").content.decode()


def test_staff_after_second_factor_sees_the_admin_link(client):
    verified_login(client, make_staff())
    assert 'href="/admin/"' in client.get("/").content.decode()


def test_favicon_and_menu_button(client):
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and 'aria-controls="main-menu"' in page


# --- 18+ gate ------------------------------------------------------------------------------------------
def test_anonymous_visitor_of_an_adult_creator_meets_the_18_plus_gate(client):
    make_creator(handle="after_dark", adult=True)
    response = client.get("/c/after_dark/")
    page = response.content.decode()
    assert response.status_code == 403 and "adults only" in page and "/login/?next=" in page
    assert "After_Dark" not in page  # nothing of the page leaks through the gate
    assert client.get("/c/nobody_here/").status_code == 404


def test_fan_in_safe_mode_is_told_about_safe_mode_and_safe_creators_are_not_gated(client):
    make_creator(handle="after_dark", adult=True)
    make_creator(handle="daylight")
    client.force_login(make_fan())
    page = client.get("/c/after_dark/").content.decode()
    assert "adults only" in page and ("Safe mode is on" in page or "Verify your age" in page)
    assert client.get("/c/daylight/").status_code == 200


# --- profile pictures ----------------------------------------------------------------------------------
def _image_upload(name: str = "me.png", fmt: str = "PNG", size=(900, 600), exif: bool = False):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    image = Image.new("RGB", size, (200, 30, 90))
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x0112] = 6  # orientation: rotate
        data[0x010F] = "SecretCam"
        kwargs["exif"] = data.tobytes()
    image.save(out, fmt, **kwargs)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_creator_uploads_an_avatar_and_banner_reencoded_without_metadata(client):
    from PIL import Image

    creator = make_creator(handle="ada_paints")
    client.force_login(creator)
    upload = _image_upload("a.jpg", "JPEG", exif=True)
    assert client.post("/account/profile/image/", {"which": "avatar", "image": upload}).status_code == 302
    client.post("/account/profile/image/", {"which": "banner", "image": _image_upload(size=(3000, 1000))})
    creator.creator_profile.refresh_from_db()
    with creator.creator_profile.avatar.open("rb") as handle, Image.open(handle) as avatar:
        assert avatar.format == "JPEG" and max(avatar.size) <= 512
        assert avatar.size == (400, 512) or avatar.size[0] < avatar.size[1]  # turned upright
        assert "SecretCam" not in str(dict(avatar.getexif()))
    with creator.creator_profile.banner.open("rb") as handle, Image.open(handle) as banner:
        assert banner.size == (1500, 500)
    client.logout()
    response = client.get("/creators/ada_paints/avatar.jpg")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "/creators/ada_paints/avatar.jpg" in client.get("/c/ada_paints/").content.decode()


def test_profile_image_refusals(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    creator, fan = make_creator(handle="ada_paints"), make_fan()
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    with pytest.raises(ValidationFailed):
        accounts.set_profile_image(creator, "avatar", fake)
    with pytest.raises(ValidationFailed):
        accounts.set_profile_image(creator, "wallpaper", _image_upload())
    with pytest.raises(ValidationFailed):
        accounts.set_profile_image(fan, "avatar", _image_upload())
    with pytest.raises(ValidationFailed):
        accounts.set_profile_image(creator, "avatar", _image_upload("x.bmp", "BMP"))
    assert not creator.creator_profile.__class__.objects.get(user=creator).avatar
    assert client.get("/creators/ada_paints/avatar.jpg").status_code == 404


def test_adult_creator_avatar_is_hidden_from_visitors():
    from django.test import Client

    adult = make_creator(handle="after_dark", adult=True)
    accounts.set_profile_image(adult, "avatar", _image_upload())
    assert Client().get("/creators/after_dark/avatar.jpg").status_code == 404


def test_bio_links_are_clickable_and_escaped(client):
    creator = make_creator(handle="ada_paints")
    accounts.update_creator_profile(creator, {"bio": "Shop: https://shop.example/ada <b>bold</b>"})
    page = client.get("/c/ada_paints/").content.decode()
    assert 'href="https://shop.example/ada"' in page and "<b>bold</b>" not in page


def test_form_help_and_errors_are_tied_to_their_inputs(client):
    page = client.post("/signup/", {**SIGNUP, "handle": "x"}).content.decode()
    assert 'aria-describedby="id_handle_helptext id_handle_error"' in page
    assert 'id="id_handle_helptext"' in page and 'id="id_handle_error"' in page
    assert '<label for="id_country">' in page

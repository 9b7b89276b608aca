import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from common.errors import TwoFactorVerificationRequired
from governance.models import AuditLog
from governance.services import two_factor
from tests.factories import PASSWORD, make_fan, make_staff

pytestmark = pytest.mark.django_db


def _current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_staff_enrols_totp_with_qr_and_gets_backup_tokens_then_enters_admin(client):
    staff = make_staff()
    client.post("/login/", {"email": staff.email, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302  # not verified yet
    page = client.get("/account/2fa/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = client.post("/account/2fa/", {"token": "000000" if _current_token(device) != "000000" else "111111"})
    assert "not valid" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    done = client.post("/account/2fa/", {"token": _current_token(device)})
    assert done.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    tokens = list(StaticDevice.objects.get(user=staff, name="backup").token_set.values_list("token", flat=True))
    assert len(tokens) == 10 and all(t in done.content.decode() for t in tokens)
    assert AuditLog.objects.filter(action="staff.2fa_enrolled", actor=staff).count() == 1
    # The session was verified by the confirmed device: the admin opens.
    assert client.get("/admin/").status_code == 200


def test_a_stolen_password_cannot_enrol_a_second_device(client):
    staff = make_staff()
    two_factor.regenerate_backup_tokens(staff)  # already has a confirmed (static) device
    client.post("/login/", {"email": staff.email, "password": PASSWORD})
    response = client.get("/account/2fa/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert not TOTPDevice.objects.filter(user=staff).exists()
    with pytest.raises(TwoFactorVerificationRequired):
        two_factor.pending_totp_device(staff, session_verified=False)


def test_backup_tokens_are_replaced_on_regeneration():
    staff = make_staff()
    first = two_factor.regenerate_backup_tokens(staff)
    second = two_factor.regenerate_backup_tokens(staff)
    stored = set(StaticDevice.objects.get(user=staff).token_set.values_list("token", flat=True))
    assert stored == set(second) and not (stored & set(first))


def test_fans_have_no_two_factor_page(client):
    fan = make_fan()
    client.force_login(fan)
    assert client.get("/account/2fa/").status_code == 302
    with pytest.raises(two_factor.PermissionDeniedError):
        two_factor.regenerate_backup_tokens(fan)

"""Two-factor login for the Django admin (django-otp), switched by STAFF_REQUIRE_2FA."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django_otp.admin import OTPAdminAuthenticationForm, _admin_template_for_django_version


def enforce_admin_2fa(site: AdminSite) -> None:
    if not settings.STAFF_REQUIRE_2FA:
        return
    site.login_form = OTPAdminAuthenticationForm
    site.login_template = _admin_template_for_django_version()
    base_has_permission = site.has_permission

    def has_permission(request: HttpRequest) -> bool:
        # A staff member whose session was not verified by an OTP device is treated as non-staff.
        return base_has_permission(request) and request.user.is_verified()

    site.has_permission = has_permission

"""The admin's door: staff powers only for sessions that passed the second factor.

``enforce_admin_2fa`` installs the one-round staff log-in form (email, password and one-time code together,
throttled, one message for every failure) and lets only ``two_factor.has_staff_powers`` sessions in: a staff
member who logged in on the site with a password only is treated as non-staff. With ``STAFF_REQUIRE_2FA`` off
(local development only) the code is not asked and the gate is ``is_staff``.
"""

from django import forms
from django.contrib.admin import AdminSite
from django.http import HttpRequest

from governance.services.two_factor import has_staff_powers

LOGIN_TEMPLATE = "governance/admin_login.html"


def enforce_admin_2fa(site: AdminSite, login_form: type[forms.Form]) -> None:
    site.login_form = login_form
    site.login_template = LOGIN_TEMPLATE

    def has_permission(request: HttpRequest) -> bool:
        return has_staff_powers(request)

    site.has_permission = has_permission

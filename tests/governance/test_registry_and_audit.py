import pytest
from django.apps import apps
from django.contrib import admin

from common.errors import AppendOnlyError
from governance import registry
from governance.admin_base import AuditedModelAdmin
from governance.models import AuditLog
from governance.services import audit
from tests.factories import make_staff

OUR_PACKAGES = {"fansub", "payments", "moderation", "telemetry", "governance"}


def test_our_apps_are_all_seen():
    # The checks below filter by top-level package: make sure that filter still selects every product app.
    labels = {m._meta.app_label for m in apps.get_models() if m._meta.app_config.name.split(".")[0] in OUR_PACKAGES}
    assert {"accounts", "verification", "offers", "subscriptions", "posts", "purchases", "messaging",
            "custom_requests", "media", "payments", "governance", "telemetry"} <= labels


def test_every_model_with_personal_looking_fields_is_registered():
    missing = [
        f"{model._meta.label} ({', '.join(registry.personal_looking_fields(model))})"
        for model in apps.get_models()
        if model._meta.app_config.name.split(".")[0] in OUR_PACKAGES
        and registry.personal_looking_fields(model) and not registry.is_accounted_for(model)
    ]
    assert missing == [], f"register these with governance.registry: {missing}"


def test_detector_spots_personal_fields():
    from fansub.accounts.models import CreatorProfile, User

    assert "email" in registry.personal_looking_fields(User)
    assert "bio" in registry.personal_looking_fields(CreatorProfile)


def test_retaining_needs_a_reason():
    with pytest.raises(ValueError):
        registry.register(AuditLog, user_path="actor", fields=("reason",), erasure="retain")


def test_every_admin_is_audited():
    plain = [type(ma).__name__ for model, ma in admin.site._registry.items()
             if model._meta.app_config.name.split(".")[0] in OUR_PACKAGES
             and not isinstance(ma, AuditedModelAdmin)]
    assert plain == []


@pytest.mark.django_db
def test_audit_log_is_append_only():
    staff = make_staff()
    row = audit.record(actor=staff, action="test.action", reason="because")
    row.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=row.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get().reason == "because"


@pytest.mark.django_db
def test_superuser_cannot_change_or_delete_audit_rows_in_admin(client):
    from django_otp.plugins.otp_static.models import StaticDevice

    su = make_staff(superuser=True)
    device = StaticDevice.objects.create(user=su, name="backup")
    device.token_set.create(token="abc12345")
    row = audit.record(actor=su, action="test.action")
    from tests.factories import PASSWORD

    response = client.post("/admin/login/", {"username": su.email, "password": PASSWORD, "otp_token": "abc12345",
                                             "next": "/admin/"})
    assert response.status_code == 302  # one round: email, password and code together
    assert client.get("/admin/governance/auditlog/").status_code == 200
    assert client.post(f"/admin/governance/auditlog/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/governance/auditlog/{row.pk}/change/", {"reason": "x"}).status_code == 403
    assert AuditLog.objects.filter(pk=row.pk, reason="").exists()


def test_every_registered_record_carries_a_keep_until_rule():
    for entry in registry.entries():
        assert entry.keep is not None, entry.label
        if entry.keep.action not in ("none", "delete", "pseudonymize"):
            assert callable(entry.keep.action), entry.label
        if entry.keep.after:
            assert entry.keep.after in {f.name for f in entry.model._meta.get_fields()}, entry.label
        if entry.keep.until_field:
            assert entry.keep.until_field in {f.name for f in entry.model._meta.get_fields()}, entry.label
    money = {"payments.Payment", "payments.Receipt", "payments.SaleRecord", "purchases.PostPurchase",
             "subscriptions.Subscription"}
    for entry in registry.entries():
        if entry.label in money:
            assert entry.erasure == "retain" and entry.legal_basis == registry.LEGAL_OBLIGATION
            assert entry.keep.years >= 10 and entry.keep.action == "none"

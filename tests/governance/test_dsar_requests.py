"""Data-subject requests: intake, identity, due dates (one calendar month), extension, refusal, withdrawal."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from common.errors import (
    DsarConflict,
    DsarExtensionTooLate,
    DsarReasonRequired,
    InvalidTransition,
    PermissionDeniedError,
    ReauthenticationRequired,
    ValidationFailed,
)
from governance.models import AuditLog, DataSubjectRequest
from governance.services import dsar
from governance.services.dsar_state import add_months, due_date
from telemetry.models import MetricCounter, OutboxEvent
from tests.factories import PASSWORD, make_fan, make_staff, verified
from tests.governance.privacy_helpers import privacy_staff

pytestmark = pytest.mark.django_db


def test_due_date_is_one_calendar_month_clamped_to_the_month_end():
    assert due_date(datetime(2026, 3, 15, 9, 30, tzinfo=UTC)) == datetime(2026, 4, 15, 9, 30, tzinfo=UTC)
    assert due_date(datetime(2026, 1, 31, 12, tzinfo=UTC)) == datetime(2026, 2, 28, 12, tzinfo=UTC)
    assert due_date(datetime(2028, 1, 31, 12, tzinfo=UTC)) == datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert due_date(datetime(2026, 12, 31, tzinfo=UTC)) == datetime(2027, 1, 31, tzinfo=UTC)
    assert add_months(datetime(2026, 8, 31, tzinfo=UTC), 1) == datetime(2026, 9, 30, tzinfo=UTC)


def test_an_access_request_is_due_one_month_after_receipt(django_capture_on_commit_callbacks):
    fan = make_fan()
    with django_capture_on_commit_callbacks(execute=False):
        request = dsar.submit_own(fan, "access", password=PASSWORD)
    assert request.due_at == add_months(request.received_at, 1)
    assert request.status == "in_progress" and request.identity_method == "session_reauth"
    actions = list(AuditLog.objects.filter(object_id=str(request.pk)).values_list("action", flat=True))
    assert set(actions) == {"dsar.received", "dsar.identity_confirmed"}
    events = [e.envelope["payload"] for e in OutboxEvent.objects.filter(event_type="dsar.transitioned")]
    assert [(e["from_status"], e["to_status"]) for e in events] == [("", "received"), ("received", "in_progress")]


def test_own_request_needs_a_fresh_password_and_one_open_request_per_kind(django_capture_on_commit_callbacks):
    fan = make_fan()
    with pytest.raises(ReauthenticationRequired):
        dsar.submit_own(fan, "access", password="wrong")
    with pytest.raises(ReauthenticationRequired):
        dsar.submit_own(fan, "access", password="")
    with pytest.raises(ValidationFailed):
        dsar.submit_own(fan, "everything", password=PASSWORD)
    with pytest.raises(ValidationFailed):  # rectification says what is wrong
        dsar.submit_own(fan, "rectification", password=PASSWORD)
    assert not DataSubjectRequest.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        dsar.submit_own(fan, "rectification", password=PASSWORD, details="My country is FR, not GB")
        with pytest.raises(DsarConflict):  # replay while the first is open
            dsar.submit_own(fan, "rectification", password=PASSWORD, details="again")
    assert DataSubjectRequest.objects.count() == 1
    assert MetricCounter.objects.get(name="DSAR_CONFLICT").value == 1


def _received(fan, staff):
    return dsar.submit_on_behalf(staff, fan, "access")


def test_staff_take_a_request_on_someones_behalf_and_record_the_identity_check(django_capture_on_commit_callbacks):
    fan, staff = make_fan(), privacy_staff()
    with pytest.raises(PermissionDeniedError):  # staff outside the Privacy group
        dsar.submit_on_behalf(verified(make_staff()), fan, "access")
    with pytest.raises(PermissionDeniedError):  # the person themselves cannot use the staff door
        dsar.submit_on_behalf(fan, fan, "access")
    request = _received(fan, staff)
    assert request.status == "received" and request.channel == "staff"
    with pytest.raises(DsarReasonRequired):
        dsar.confirm_identity(staff, request, "  ")
    with django_capture_on_commit_callbacks(execute=False):
        request = dsar.confirm_identity(staff, request, "Replied from the account's email; matched last tip")
    assert request.status == "in_progress" and request.identity_method == "staff_verified"
    assert request.identity_confirmed_by == staff
    with pytest.raises(InvalidTransition):  # replay
        dsar.confirm_identity(staff, request, "again")


def test_extension_needs_a_reason_and_must_come_before_the_first_due_date():
    fan, staff = make_fan(), privacy_staff()
    request = _received(fan, staff)
    with pytest.raises(DsarReasonRequired):
        dsar.extend(staff, request, months=2, reason="")
    with pytest.raises(DsarExtensionTooLate):
        dsar.extend(staff, request, months=1, reason="Complex", now=request.due_at + timedelta(seconds=1))
    with pytest.raises(DsarExtensionTooLate):
        dsar.extend(staff, request, months=1, reason="Complex", now=request.due_at)
    with pytest.raises(ValidationFailed):
        dsar.extend(staff, request, months=3, reason="Complex")
    with pytest.raises(PermissionDeniedError):
        dsar.extend(verified(make_staff()), request, months=1, reason="Complex")
    assert DataSubjectRequest.objects.get().extended_due_at is None


def test_extension_with_a_reason_notifies_the_person_before_the_due_date(django_capture_on_commit_callbacks):
    fan, staff = make_fan(), privacy_staff()
    request = _received(fan, staff)
    with django_capture_on_commit_callbacks(execute=True):
        request = dsar.extend(staff, request, months=2, reason="Many linked requests this month")
    assert request.extended_due_at == add_months(request.due_at, 2)
    assert request.extension_notified_at < request.due_at
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [fan.email]
    assert "Many linked requests" in mail.outbox[0].body and "supervisory authority" in mail.outbox[0].body
    assert AuditLog.objects.filter(action="dsar.extended", reason="Many linked requests this month").exists()
    assert OutboxEvent.objects.filter(event_type="dsar.extended").count() == 1
    with pytest.raises(DsarConflict):  # two months is the most, once
        dsar.extend(staff, request, months=1, reason="More")


def test_refusal_needs_a_reason_and_tells_the_right_to_complain(django_capture_on_commit_callbacks):
    fan, staff = make_fan(), privacy_staff()
    request = _received(fan, staff)
    with pytest.raises(DsarReasonRequired):
        dsar.refuse(staff, request, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        request = dsar.refuse(staff, request, reason="Manifestly unfounded: identity could not be verified")
    assert request.status == "refused"
    assert "supervisory authority" in mail.outbox[0].body and "Manifestly unfounded" in mail.outbox[0].body
    with pytest.raises(InvalidTransition):  # a refused request stays refused
        dsar.refuse(staff, request, reason="again")


def test_withdraw_only_own_and_only_while_received():
    fan, other, staff = make_fan(), make_fan(), privacy_staff()
    request = _received(fan, staff)
    with pytest.raises(Exception) as error:
        dsar.withdraw(other, request.public_id)
    assert getattr(error.value, "code", "") == "NOT_FOUND"
    assert dsar.withdraw(fan, request.public_id).status == "withdrawn"
    with pytest.raises(InvalidTransition):
        dsar.withdraw(fan, request.public_id)

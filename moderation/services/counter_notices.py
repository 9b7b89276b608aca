"""Counter-notices (17 U.S.C. 512(g)): the uploader answers a notice; it is forwarded to the complainant the
same day; the material comes back between the 10th and 14th business day after receipt (run by Celery beat)
unless the complainant reports that they filed an action to restrain the infringement."""

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.errors import DmcaCounterNoticeIncomplete, NotFoundError, PermissionDeniedError
from fansub.media.services import takedown
from governance.services import audit
from governance.services.two_factor import has_staff_powers
from moderation.models import NOTICE_TRANSITIONS, CopyrightStrike, CounterNotice, DmcaNotice, HashEntry, NoticeStatus
from moderation.models.dmca import COUNTER_NOTICE_ELEMENTS
from moderation.services import business_days, hash_lists, statutory_elements
from moderation.services.dmca_notices import EMAIL_PATTERN, notice_ref
from moderation.services.repeat_infringers import reverse_strike
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

TEXT_ELEMENTS = ("signature", "removed_material", "name", "address", "phone")
FLAG_ELEMENTS = ("good_faith_statement", "jurisdiction_consent", "service_consent")
SUIT_TOKEN_SALT = "moderation.dmca.suit"


@dataclass(frozen=True)
class CounterNoticeInput:
    signature: str = ""
    removed_material: str = ""
    good_faith_statement: bool = False
    name: str = ""
    address: str = ""
    phone: str = ""
    jurisdiction_consent: bool = False
    service_consent: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "CounterNoticeInput":
        return cls(**statutory_elements.read_elements(data, TEXT_ELEMENTS, FLAG_ELEMENTS))

    def missing(self) -> list[str]:
        return statutory_elements.missing_elements(self, COUNTER_NOTICE_ELEMENTS)


def counter_ref(counter: CounterNotice) -> str:
    return pseudonym("dmca_counter_notice", counter.pk)


def restore_window(received: date) -> tuple[date, date]:
    return (business_days.nth_business_day_after(received, settings.DMCA_RESTORE_FROM_BUSINESS_DAY),
            business_days.nth_business_day_after(received, settings.DMCA_RESTORE_BY_BUSINESS_DAY))


def submit_counter_notice(user: Any, notice_public_id: Any, data: dict[str, Any]) -> CounterNotice:
    """The uploader of the disabled material files a counter-notice (once per notice)."""
    counter_input = CounterNoticeInput.from_data(data)
    missing = counter_input.missing()
    labels = dict(COUNTER_NOTICE_ELEMENTS)
    with transaction.atomic():
        notice = (DmcaNotice.objects.select_for_update()
                  .filter(public_id=notice_public_id, uploader=user).first() if _uuid_like(notice_public_id) else None)
        if notice is None or not getattr(user, "is_authenticated", False):
            raise NotFoundError("No such notice about your content.")
        if missing:
            raise DmcaCounterNoticeIncomplete(
                "The counter-notice is missing: " + "; ".join(labels[name] for name in missing) + ".",
                details={"missing": missing, "elements": {name: labels[name] for name in missing}})
        NOTICE_TRANSITIONS.move(notice, NoticeStatus.COUNTERED)
        notice.save(update_fields=["status"])
        now = timezone.now()
        restore_from, restore_by = restore_window(now.date())
        counter = CounterNotice.objects.create(
            notice=notice, filed_by=user, received_at=now, forwarded_at=now, restore_from=restore_from,
            restore_by=restore_by, **{name: getattr(counter_input, name) for name, _ in COUNTER_NOTICE_ELEMENTS})
        audit.record(actor=user, action="dmca.counter_notice_received", obj=counter,
                     details={"notice": str(notice.public_id), "restore_from": restore_from.isoformat(),
                              "restore_by": restore_by.isoformat()})
        emit("dmca.counter_notice_received", {"counter_notice_id": counter_ref(counter),
                                              "notice_id": notice_ref(notice),
                                              "restore_from": restore_from.isoformat(),
                                              "restore_by": restore_by.isoformat()}, actor=user)
        transaction.on_commit(lambda: _forward(counter))
    return counter


def _uuid_like(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def suit_token(notice: DmcaNotice) -> str:
    return signing.dumps(str(notice.public_id), salt=SUIT_TOKEN_SALT)


def _forward(counter: CounterNotice) -> None:
    """Same day: a copy of the counter-notice to the complainant, with the restore date and how to stop it."""
    notice = counter.notice
    found = EMAIL_PATTERN.search(notice.contact_information)
    address = found.group(0) if found else getattr(notice.submitted_by, "email", "")
    if not address:
        audit.record(actor=None, action="dmca.counter_notice_unforwardable", obj=counter)
        return
    link = reverse("dmca-report-suit", kwargs={"token": suit_token(notice)})
    send_mail(
        f"Counter-notice to your copyright notice {notice.public_id}",
        "The user whose material you reported sent the counter-notice below (17 U.S.C. 512(g)(3)).\n"
        f"We will restore the material between {counter.restore_from} and {counter.restore_by} unless you tell\n"
        "us before then that you have filed an action seeking a court order against that user.\n"
        f"To report a filed action: {settings.SITE_URL.rstrip('/')}{link}\n\n"
        f"Signature: {counter.signature}\nMaterial and its location before removal: {counter.removed_material}\n"
        f"Name: {counter.name}\nAddress: {counter.address}\nTelephone: {counter.phone}\n"
        "The subscriber states under penalty of perjury a good-faith belief that the material was removed as a\n"
        "result of mistake or misidentification, consents to the jurisdiction of the Federal District Court and\n"
        "will accept service of process from the complainant.\n",
        settings.DEFAULT_FROM_EMAIL, [address])


def notice_for_suit_token(token: str) -> DmcaNotice:
    try:
        public_id = signing.loads(token, salt=SUIT_TOKEN_SALT)
    except signing.BadSignature as exc:
        raise NotFoundError("This link is not valid.") from exc
    notice = DmcaNotice.objects.filter(public_id=public_id).first()
    if notice is None:
        raise NotFoundError("This link is not valid.")
    return notice


def report_filed_action(notice: DmcaNotice, *, token: str = "", actor: Any = None) -> DmcaNotice:
    """The complainant (through the link they were sent) or staff record a filed action: the material stays
    down. Only while the counter-notice's restoration is pending."""
    if token:
        if notice_for_suit_token(token).pk != notice.pk:
            raise NotFoundError("This link is not valid.")
    elif not has_staff_powers(actor):
        raise PermissionDeniedError()
    with transaction.atomic():
        locked = DmcaNotice.objects.select_for_update().get(pk=notice.pk)
        NOTICE_TRANSITIONS.move(locked, NoticeStatus.SUIT_FILED)
        locked.save(update_fields=["status"])
        counter = locked.counter_notice
        counter.suit_reported_at = timezone.now()
        counter.save(update_fields=["suit_reported_at"])
        audit.record(actor=actor, action="dmca.suit_reported", obj=locked,
                     details={"via": "link" if token else "staff"})
        emit("dmca.suit_reported", {"notice_id": notice_ref(locked), "counter_notice_id": counter_ref(counter)},
             actor=actor if getattr(actor, "pk", None) else None)
    return locked


def restore_due(today: date | None = None) -> int:
    """Beat: restore the material of every counter-notice whose 10th business day has come (no suit)."""
    today = today or timezone.now().date()
    due = CounterNotice.objects.filter(restored_at__isnull=True, suit_reported_at__isnull=True,
                                       notice__status=NoticeStatus.COUNTERED, restore_from__lte=today)
    restored = 0
    for counter_id in list(due.values_list("pk", flat=True)):
        restored += restore(counter_id, today=today)
    return restored


def restore(counter_id: int, *, today: date | None = None) -> int:
    today = today or timezone.now().date()
    with transaction.atomic():
        counter = CounterNotice.objects.select_for_update().select_related("notice").get(pk=counter_id)
        notice = DmcaNotice.objects.select_for_update().get(pk=counter.notice_id)
        if counter.restored_at or notice.status != NoticeStatus.COUNTERED or counter.restore_from > today:
            return 0
        NOTICE_TRANSITIONS.move(notice, NoticeStatus.RESTORED)
        notice.save(update_fields=["status"])
        counter.restored_at = timezone.now()
        counter.save(update_fields=["restored_at"])
        items = list(notice.media_items.all())
        for item in items:
            takedown.put_back(item, reason=f"dmca-restored:{notice.public_id}")
        HashEntry.objects.filter(hash_list=hash_lists.reupload_list(), label=f"dmca:{notice.public_id}").delete()
        for strike in CopyrightStrike.objects.filter(notice=notice):
            reverse_strike(strike, reason="counter_notice_restored")
        audit.record(actor=None, action="dmca.material_restored", obj=notice,
                     details={"business_days_after_receipt": business_days.business_days_between(
                         counter.received_at.date(), today)})
        emit("dmca.material_restored", {"notice_id": notice_ref(notice), "counter_notice_id": counter_ref(counter),
                                        "items": len(items),
                                        "business_day": business_days.business_days_between(
                                            counter.received_at.date(), today)},
             actor=None, source="worker")
    return 1

"""DMCA notices (17 U.S.C. 512(c)): receive, refuse incomplete ones naming each missing element, disable
the identified material, tell the uploader, record a strike.

A notice names material by its URLs on this service: media pages (/media/<uuid>/) and posts (/p/<id>/).
Material of several accounts yields one notice per account (each uploader may counter-notify their own).
"""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from common.errors import DmcaMaterialNotFound, DmcaNoticeIncomplete
from fansub.media.models import MediaItem, MediaState
from fansub.media.services import links, takedown
from governance.services import audit
from moderation.models import NOTICE_TRANSITIONS, DmcaNotice, NoticeStatus
from moderation.models.dmca import NOTICE_ELEMENTS
from moderation.services import hash_lists, repeat_infringers, statutory_elements
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

UUID_PATTERN = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.IGNORECASE)
POST_PATTERN = re.compile(r"/p/(\d+)(?:/|\b)")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
TEXT_ELEMENTS = ("signature", "copyrighted_work", "infringing_material", "contact_information")
FLAG_ELEMENTS = ("good_faith_statement", "accuracy_statement")
# (ii)-(iv): with these the service provider can reach the sender and must try to complete the notice.
REACHABLE = ("copyrighted_work", "infringing_material", "contact_information")


@dataclass(frozen=True)
class NoticeInput:
    signature: str = ""
    copyrighted_work: str = ""
    infringing_material: str = ""
    contact_information: str = ""
    good_faith_statement: bool = False
    accuracy_statement: bool = False

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "NoticeInput":
        return cls(**statutory_elements.read_elements(data, TEXT_ELEMENTS, FLAG_ELEMENTS))

    def missing(self) -> list[str]:
        return statutory_elements.missing_elements(self, NOTICE_ELEMENTS)


def notice_ref(notice: DmcaNotice) -> str:
    return pseudonym("dmca_notice", notice.pk)


def locate_material(text: str) -> list[MediaItem]:
    """Media on this service that the notice's element (iii) points at (ready or already down)."""
    public_ids = {m.group(0).replace("-", "").lower() for m in UUID_PATTERN.finditer(text)}
    found = {item.pk: item for item in takedown.items_by_public_ids(sorted(public_ids))}
    post_ids = sorted({int(m.group(1)) for m in POST_PATTERN.finditer(text)})
    if post_ids:
        for items in links.items_for("post", post_ids).values():
            found.update({item.pk: item for item in items})
    live = (MediaState.READY, MediaState.QUARANTINED)
    return [item for _, item in sorted(found.items()) if item.state in live]


def submit_notice(data: dict[str, Any], *, submitted_by: Any = None) -> list[DmcaNotice]:
    """A notice from the public form or API. Complete: the material goes down at once (one notice per
    uploader). Incomplete: refused with DMCA_NOTICE_INCOMPLETE naming each missing element; when
    (ii)-(iv) are there, it is stored as incomplete and the sender is asked to complete it.
    ``data["completes"]``: the id of an incomplete notice this submission completes (it becomes the first
    of the resulting notices instead of a new row)."""
    notice_input = NoticeInput.from_data(data)
    completes = str(data.get("completes") or "").strip()
    missing = notice_input.missing()
    if missing:
        _refuse_incomplete(notice_input, missing, submitted_by)
    items = locate_material(notice_input.infringing_material)
    if not items:
        raise DmcaMaterialNotFound(details={"element": "infringing_material"})
    by_uploader: dict[int, list[MediaItem]] = {}
    for item in items:
        by_uploader.setdefault(item.creator_id, []).append(item)
    with transaction.atomic():
        earlier = (DmcaNotice.objects.select_for_update().filter(public_id=completes, status=NoticeStatus.INCOMPLETE)
                   .first() if UUID_PATTERN.fullmatch(completes) else None)
        notices = [_act_on(notice_input, uploader_items, submitted_by, earlier if index == 0 else None)
                   for index, uploader_items in enumerate(by_uploader.values())]
    for notice in notices:
        repeat_infringers.apply_policy(notice.uploader)
    return notices


def _refuse_incomplete(notice_input: NoticeInput, missing: list[str], submitted_by: Any) -> None:
    labels = dict(NOTICE_ELEMENTS)
    details: dict[str, Any] = {"missing": missing, "elements": {name: labels[name] for name in missing},
                               "completion_requested": False}
    if all(getattr(notice_input, name) for name in REACHABLE):
        with transaction.atomic():
            notice = DmcaNotice.objects.create(**_fields(notice_input), missing_elements=missing,
                                               submitted_by=submitted_by if _signed_in(submitted_by) else None)
            audit.record(actor=submitted_by, action="dmca.notice_incomplete", obj=notice,
                         details={"missing": missing})
            emit("dmca.notice_received", {"notice_id": notice_ref(notice), "status": notice.status,
                                          "missing_elements": missing, "uploaders": 0, "items": 0},
                 actor=submitted_by if _signed_in(submitted_by) else None)
            address = _sender_address(notice_input.contact_information, submitted_by)
            if address:
                transaction.on_commit(lambda: _ask_to_complete(address, notice, missing))
        details.update(completion_requested=bool(address), notice_id=str(notice.public_id))
    raise DmcaNoticeIncomplete(
        "The notice is missing: " + "; ".join(labels[name] for name in missing) + ".", details=details)


def _act_on(notice_input: NoticeInput, items: list[MediaItem], submitted_by: Any,
            earlier: DmcaNotice | None = None) -> DmcaNotice:
    uploader = items[0].creator
    if earlier is not None:  # the sender completed a notice we had stored as incomplete
        for name, value in _fields(notice_input).items():
            setattr(earlier, name, value)
        earlier.uploader, earlier.missing_elements = uploader, []
        earlier.save()
        notice = earlier
    else:
        notice = DmcaNotice.objects.create(**_fields(notice_input), uploader=uploader,
                                           submitted_by=submitted_by if _signed_in(submitted_by) else None)
    notice.media_items.set(items)
    NOTICE_TRANSITIONS.move(notice, NoticeStatus.DISABLED)
    notice.disabled_at = timezone.now()
    notice.save(update_fields=["status", "disabled_at"])
    for item in items:
        takedown.take_down(item, reason=f"dmca:{notice.public_id}")
    hash_lists.add_to_reupload_list(items, label=f"dmca:{notice.public_id}")
    strike = repeat_infringers.record_strike(uploader, notice)
    audit.record(actor=submitted_by, action="dmca.material_disabled", obj=notice,
                 details={"media": [str(i.public_id) for i in items], "strike": strike.pk})
    emit("dmca.notice_received", {"notice_id": notice_ref(notice), "status": notice.status, "missing_elements": [],
                                  "uploaders": 1, "items": len(items)},
         actor=submitted_by if _signed_in(submitted_by) else None)
    transaction.on_commit(lambda: _tell_uploader(notice))
    return notice


def _fields(notice_input: NoticeInput) -> dict[str, Any]:
    return {name: getattr(notice_input, name) for name, _ in NOTICE_ELEMENTS}


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _sender_address(contact_information: str, submitted_by: Any) -> str:
    found = EMAIL_PATTERN.search(contact_information)
    if found:
        return found.group(0)
    return getattr(submitted_by, "email", "") if _signed_in(submitted_by) else ""


def _ask_to_complete(address: str, notice: DmcaNotice, missing: list[str]) -> None:
    labels = dict(NOTICE_ELEMENTS)
    lines = "\n".join(f"- {labels[name]}" for name in missing)
    send_mail(f"Your copyright notice {notice.public_id} is incomplete",
              "We received your notice but cannot act on it until it includes every element that\n"
              f"17 U.S.C. 512(c)(3)(A) requires. Missing:\n{lines}\n\n"
              "Please send the notice again with these elements through our copyright form, giving this\n"
              f"notice's id ({notice.public_id}) in the \"completes\" field.\n"
              f"{settings.DMCA_AGENT_NAME} <{settings.DMCA_AGENT_EMAIL}>",
              settings.DEFAULT_FROM_EMAIL, [address])


def uploader_copy(notice: DmcaNotice) -> str:
    """The notice as the uploader receives it: every element but the complainant's contact information."""
    items = "\n".join(f"- /media/{item.public_id}/" for item in notice.media_items.all())
    return (f"Copyright notice {notice.public_id}\n"
            f"Signed: {notice.signature}\n"
            f"Copyrighted work: {notice.copyrighted_work}\n"
            f"Material identified: {notice.infringing_material}\n"
            "The complainant states a good-faith belief that the use is not authorised, and that the notice is\n"
            "accurate and that they are authorised to act, under penalty of perjury.\n"
            f"Material disabled on this service:\n{items}\n")


def _tell_uploader(notice: DmcaNotice) -> None:
    if not notice.uploader or not notice.uploader.email:
        return
    send_mail("Content removed after a copyright notice",
              "We disabled access to content you posted after receiving the copyright notice below\n"
              "(17 U.S.C. 512). A copyright strike was recorded on your account.\n\n"
              f"{uploader_copy(notice)}\n"
              "If you believe the material was removed by mistake or misidentification, you may send a\n"
              f"counter-notice from your studio (notice {notice.public_id}).\n"
              "Our repeat-infringer policy: /legal/dmca/\n",
              settings.DEFAULT_FROM_EMAIL, [notice.uploader.email])

"""Access and portability export: everything the registry knows about the person, as JSON files in a ZIP
with a readable HTML index and the Art. 15(1)(a)–(h) information; the person's uploads as files.

Built by a Celery task (``governance.build_export``) that reports progress on the request; delivered by a
signed link that expires after PRIVACY_EXPORT_TTL_HOURS, when the retention job deletes the file.
"""

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from common.errors import NotFoundError, SignedUrlInvalid
from governance import privacy_notice, registry
from governance.models import DataSubjectRequest, DsarKind, DsarStatus
from governance.services.dsar_state import move, notify

EXPORT_PREFIX = "privacy/exports"
SIGNING_SALT = "governance.export"


def _storage() -> Any:
    return storages["private"]


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, default=str, ensure_ascii=False)


def _rows(entry: registry.PersonalDataEntry, user: Any) -> list[dict[str, Any]]:
    if not entry.user_path and not entry.exporter:
        return []
    return entry.export(user)


def build_archive(user: Any, *, on_progress: Any = None) -> tuple[bytes, dict[str, Any]]:
    """The ZIP's bytes and a summary {models, rows, files}."""
    entries = sorted(registry.entries(), key=lambda e: e.label)
    buffer = io.BytesIO()
    sections, files = [], []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, entry in enumerate(entries, start=1):
            rows = _rows(entry, user)
            path = f"data/{entry.label}.json"
            archive.writestr(path, _json(rows))
            for name, read in (entry.files(user) if entry.files else ()):
                member = f"files/{entry.label}/{name}"
                archive.writestr(member, read())
                files.append(member)
            sections.append({"label": entry.label, "name": entry.model._meta.verbose_name.capitalize(),
                             "path": path, "rows": rows, "count": len(rows)})
            if on_progress:
                on_progress(int(90 * done / len(entries)))
        art15 = privacy_notice.art15()
        archive.writestr("article15.json", _json(art15))
        archive.writestr("index.html", render_to_string("governance/export_index.html", {
            "sections": sections, "files": files, "art15": art15, "generated_at": timezone.now(),
        }))
    summary = {"models": len(sections), "rows": sum(s["count"] for s in sections), "files": len(files)}
    return buffer.getvalue(), summary


def build_export(dsar_id: int) -> DataSubjectRequest | None:
    """The task body: build, store, complete the request and send the link."""
    dsar = DataSubjectRequest.objects.select_related("subject").filter(pk=dsar_id).first()
    if dsar is None or dsar.status != DsarStatus.IN_PROGRESS or dsar.kind not in (DsarKind.ACCESS,
                                                                                 DsarKind.PORTABILITY):
        return dsar

    def progress(percent: int) -> None:
        DataSubjectRequest.objects.filter(pk=dsar_id).update(progress=percent)

    data, summary = build_archive(dsar.subject, on_progress=progress)
    key = _storage().save(f"{EXPORT_PREFIX}/{dsar.public_id}.zip", ContentFile(data))
    with transaction.atomic():
        dsar = DataSubjectRequest.objects.select_for_update().get(pk=dsar_id)
        if dsar.status != DsarStatus.IN_PROGRESS:  # withdrawn or refused meanwhile: do not deliver
            _storage().delete(key)
            return dsar
        dsar.export_key = key
        dsar.export_expires_at = timezone.now() + timedelta(hours=settings.PRIVACY_EXPORT_TTL_HOURS)
        dsar.progress = 100
        dsar.report = {"export": summary}
        move(dsar, DsarStatus.COMPLETED, actor=None, action="dsar.export_ready", details=summary)
        notify(dsar, "Your data export is ready",
               f"Download it (signed in) within {settings.PRIVACY_EXPORT_TTL_HOURS} hours: "
               f"{settings.SITE_URL.rstrip('/')}{download_path(dsar)}")
    return dsar


def download_token(dsar: DataSubjectRequest) -> str:
    return signing.dumps({"r": str(dsar.public_id)}, salt=SIGNING_SALT)


def download_path(dsar: DataSubjectRequest) -> str:
    return reverse("privacy-export-download", args=[download_token(dsar)])


def open_export(token: str, user: Any) -> tuple[DataSubjectRequest, Any]:
    """The signed, expiring link: only its subject (signed in), only until it expires."""
    try:
        data = signing.loads(token, salt=SIGNING_SALT, max_age=settings.PRIVACY_EXPORT_TTL_HOURS * 3600)
    except signing.BadSignature as error:
        raise SignedUrlInvalid("This download link is invalid or has expired.") from error
    dsar = DataSubjectRequest.objects.filter(public_id=data.get("r"), subject_id=getattr(user, "pk", None)).first()
    if dsar is None:
        raise NotFoundError("No such export.")
    return dsar, open_file(dsar)


def open_file(dsar: DataSubjectRequest) -> Any:
    if not dsar.export_key or not dsar.export_expires_at or dsar.export_expires_at <= timezone.now():
        raise SignedUrlInvalid("This export has expired; ask for a new one.")
    return _storage().open(dsar.export_key, "rb")


def delete_expired_exports(now: Any = None) -> int:
    now = now or timezone.now()
    count = 0
    for dsar in DataSubjectRequest.objects.exclude(export_key="").filter(export_expires_at__lte=now):
        _storage().delete(dsar.export_key)
        DataSubjectRequest.objects.filter(pk=dsar.pk).update(export_key="")
        count += 1
    return count

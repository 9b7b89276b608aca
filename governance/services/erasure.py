"""Erasure by tombstone (Art. 17), for an erasure request and for account deletion.

1. Closing steps each app registered (cancel subscriptions, refund open custom requests, hold balances),
   through the apps' own services.
2. Every registry entry, per its rule: deleted, pseudonymized, or kept under a legal obligation (tagged
   ``RetainedRecord`` with the basis and keep-until date). Rows under a legal hold are refused with
   DSAR_CONFLICT naming the hold (tagged "legal hold"); the rest proceeds; the request stays
   ``partially_completed`` and releasing the hold runs this again.
3. The account row becomes a tombstone (no email, handle, password; inactive), its API tokens are deleted,
   a ``privacy.subject_erased`` tombstone event carries the last link (the pseudonym) and the person's
   pseudonym salt is destroyed (telemetry.pseudonyms.shred): lake events can no longer be linked.
"""

import logging
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from rest_framework.authtoken.models import Token

from common.errors import DsarConflict
from governance import registry, selectors
from governance.models import DataSubjectRequest, DsarKind, DsarStatus, RetainedRecord
from governance.services import audit
from governance.services.dsar_state import move, notify
from telemetry import metrics
from telemetry.events import emit
from telemetry.pseudonyms import actor_pseudonym, shred

logger = logging.getLogger("fansub.privacy")

USER_LABEL = "accounts.User"


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def run_closing_steps(user: Any) -> dict[str, Any]:
    done = {}
    for name, step in registry.closing_steps().items():
        try:
            done[name] = step(user)
        except Exception as error:  # one app's failure must not stop the rest; the desk sees it
            logger.exception("closing step %s failed", name)
            done[name] = {"error": getattr(error, "code", type(error).__name__)}
    return done


def _tag(user: Any, dsar: DataSubjectRequest | None, entry: registry.PersonalDataEntry, pk: str, *, basis: str,
         reason: str, keep_until: date | None, hold: Any = None) -> None:
    RetainedRecord.objects.update_or_create(
        model_label=entry.label, object_pk=pk, basis=basis,
        defaults={"subject": user, "request": dsar, "reason": reason, "keep_until": keep_until, "hold": hold})


def _cascade_holds(rows: Any, held: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """Rows whose deletion would cascade into a held record (a thread holding a held message): pk -> hold."""
    hits: dict[str, Any] = {}
    if not held:
        return hits
    for row in rows:
        collector = Collector(using=router.db_for_write(type(row)))
        collector.collect([row])
        found = next((held[(m._meta.label, str(o.pk))] for m, objs in collector.data.items() for o in objs
                      if (m._meta.label, str(o.pk)) in held), None)
        if found is None:
            for queryset in collector.fast_deletes:
                keys = [pk for (label, pk) in held if label == queryset.model._meta.label]
                if keys and queryset.filter(pk__in=keys).exists():
                    found = next(held[(queryset.model._meta.label, pk)] for pk in keys)
                    break
        if found is not None:
            hits[str(row.pk)] = found
    return hits


def erase_records(user: Any, dsar: DataSubjectRequest | None = None) -> dict[str, Any]:
    """Step 2 and 3, in the caller's transaction. Returns the erasure report."""
    holds = selectors.active_holds()
    report: dict[str, Any] = {"erased": [], "kept": [], "refused": []}
    ordered = [e for e in sorted(registry.entries(), key=lambda e: e.label) if e.user_path]
    held_by_entry = {e.label: selectors.held_rows_of(e, user, holds) for e in ordered if e.erasure != "retain"}
    held_keys = {(label, pk): hold for label, rows in held_by_entry.items() for pk, hold in rows.items()}
    user_held = None
    for entry in ordered:
        if entry.erasure == "retain":
            kept = []
            for row in entry.rows_for(user):
                keep_until = entry.keep_until(row)
                _tag(user, dsar, entry, str(row.pk), basis=registry.LEGAL_OBLIGATION, reason=entry.retention_reason,
                     keep_until=keep_until)
                kept.append({"id": str(row.pk), "keep_until": _date(keep_until)})
            if kept:
                report["kept"].append({"model": entry.label, "basis": registry.LEGAL_OBLIGATION,
                                       "reason": entry.retention_reason, "records": kept})
            continue
        held = dict(held_by_entry[entry.label])
        if entry.erasure == "delete" and held_keys:
            candidates = entry.rows_for(user).exclude(pk__in=list(held))
            if entry.eraser:  # can only run whole: any cascade into a held record defers it
                candidates = candidates[:1] if _cascade_holds(candidates, held_keys) else candidates.none()
            held.update(_cascade_holds(candidates, held_keys))
        if held and entry.label == USER_LABEL:
            user_held = next(iter(held.values()))
        if held:
            for pk, hold in held.items():
                _tag(user, dsar, entry, pk, basis="legal hold", reason=hold.reason, keep_until=None, hold=hold)
            names = sorted({h.name for h in held.values()})
            error = DsarConflict(f"{entry.model._meta.verbose_name} records are under a legal hold: "
                                 f"{', '.join(names)}.",
                                 details={"model": entry.label, "holds": names, "count": len(held)})
            report["refused"].append(error.as_body()["error"])
            metrics.increment("DSAR_CONFLICT", component="governance", severity="warning")
            if entry.eraser:  # a custom eraser cannot leave rows out: the whole entry waits for the release
                continue
        count = entry.erase(user, exclude_pks=held.keys())
        RetainedRecord.objects.filter(model_label=entry.label, basis="legal hold", subject=user).exclude(
            object_pk__in=list(held)).delete()
        report["erased"].append({"model": entry.label, "rule": entry.erasure, "count": count})
    if user_held is None:
        _tombstone(user)
        report["tombstoned"] = True
    return report


def _tombstone(user: Any) -> None:
    if getattr(user, "erased_at", None):
        return
    subject_ref = actor_pseudonym(user)
    User = get_user_model()
    row = User.objects.get(pk=user.pk)
    row.email, row.handle, row.password = f"erased-{user.pk}@erased.invalid", f"erased_{user.pk}", "!erased"
    row.is_active, row.erased_at = False, timezone.now()
    # A save, not an update: the row's receivers run (the fan pages that named the account are re-rendered).
    row.save(update_fields=["email", "handle", "password", "is_active", "erased_at"])
    Token.objects.filter(user_id=user.pk).delete()
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)).update(
        object_repr=f"erased user {user.pk}")  # the admin's own history named the account
    emit("privacy.subject_erased", {"subject_id": subject_ref}, actor=None)
    shred("user", user.pk)
    user.refresh_from_db()


def erase_subject(dsar_id: int, actor: Any = None) -> DataSubjectRequest | None:
    """The task body for an erasure request (and its re-run after a hold is released)."""
    dsar = DataSubjectRequest.objects.select_related("subject").filter(pk=dsar_id).first()
    if dsar is None or dsar.kind != DsarKind.ERASURE or dsar.status not in (DsarStatus.IN_PROGRESS,
                                                                          DsarStatus.PARTIALLY_COMPLETED):
        return dsar
    user = dsar.subject
    address = user.email
    closing = dsar.report.get("closing") or run_closing_steps(user)
    with transaction.atomic():
        dsar = DataSubjectRequest.objects.select_for_update().get(pk=dsar_id)
        if dsar.status not in (DsarStatus.IN_PROGRESS, DsarStatus.PARTIALLY_COMPLETED):
            return dsar
        report = erase_records(user, dsar)
        report["closing"] = closing
        dsar.report = report
        dsar.progress = 100
        target = DsarStatus.PARTIALLY_COMPLETED if report["refused"] else DsarStatus.COMPLETED
        summary = {"erased": sum(r["count"] for r in report["erased"]), "kept_models": len(report["kept"]),
                   "refused_models": len(report["refused"])}
        if target != dsar.status:
            move(dsar, target, actor=actor, action="dsar.erased", details=summary)
        else:
            dsar.save()
            audit.record(actor=actor, action="dsar.erased", obj=dsar, details=summary)
        _send_report(dsar, address, report)
    return dsar


def _send_report(dsar: DataSubjectRequest, address: str, report: dict[str, Any]) -> None:
    lines = ["We erased your account and personal data. The law makes us keep these records:"]
    for kept in report["kept"]:
        until = sorted({r["keep_until"] for r in kept["records"] if r["keep_until"]})
        lines.append(f"- {kept['model']} ({len(kept['records'])}): {kept['basis']}: {kept['reason']}"
                     + (f" Kept until {until[-1]} at the latest." if until else ""))
    for refused in report["refused"]:
        lines.append(f"- Held for a legal matter ({', '.join(refused['details']['holds'])}): "
                     f"{refused['details']['model']}; erased when the hold ends.")
    if address and not address.endswith("@erased.invalid"):
        body = "\n".join(lines)
        transaction.on_commit(lambda: _mail(address, body))
    else:
        notify(dsar, "Your erasure report", "\n".join(lines))


def _mail(address: str, body: str) -> None:
    send_mail("Your account was erased", body, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=True)

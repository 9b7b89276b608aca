"""Thin Celery wrappers around the privacy services."""

from celery import shared_task

from governance.services import erasure, export, retention


@shared_task(name="governance.build_export")
def build_export(dsar_id: int) -> None:
    export.build_export(dsar_id)


@shared_task(name="governance.erase_subject")
def erase_subject(dsar_id: int) -> None:
    erasure.erase_subject(dsar_id)


@shared_task(name="governance.run_retention")
def run_retention() -> int:
    return retention.run_retention().pk


@shared_task(name="governance.expire_exports")
def expire_exports() -> int:
    return export.delete_expired_exports()

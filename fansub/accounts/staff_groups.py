"""Names of the staff groups (created with their permissions by migration accounts 0002)."""

from importlib import import_module
from typing import Any

from governance.services.two_factor import has_staff_powers

TRUST_AND_SAFETY = "Trust & Safety"
FINANCE = "Finance"
PRIVACY = "Privacy"
CUSTODIAN_OF_RECORDS = "Custodian of Records"
ALL = (TRUST_AND_SAFETY, FINANCE, PRIVACY, CUSTODIAN_OF_RECORDS)


def in_group(user: Any, name: str) -> bool:
    if not has_staff_powers(user):  # an active staff account whose session or token passed the second factor
        return False
    return user.groups.filter(name=name).exists()


def is_custodian(user: Any) -> bool:
    """Producer records are for the Custodian of Records group only: superuser status alone is not enough."""
    return in_group(user, CUSTODIAN_OF_RECORDS) and user.has_perm("verification.view_producerrecord")


def can_review_identity(user: Any) -> bool:
    return is_custodian(user) and user.has_perm("verification.review_identityverification")


_SOURCE = "fansub.accounts.migrations.0002_staff_groups"
_LATER_GRANTS = ("payments.migrations.0008_refund_request_staff_permissions",)


def ensure_staff_groups() -> None:
    """(Re)create the groups and permissions as the migrations define them: for the demo loader on a
    database whose rows were flushed (tests in real transactions empty every table, groups included)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name, codes in import_module(_SOURCE).GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    for source in _LATER_GRANTS:  # grants a later migration added, defined beside the models they concern
        for name, codes in import_module(source).GRANTS.items():
            group, _ = Group.objects.get_or_create(name=name)
            app_label = source.split(".")[0]
            for codename in codes:
                group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

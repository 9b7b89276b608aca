"""Names of the staff groups (created with their permissions by migration accounts 0002)."""

from importlib import import_module
from typing import Any

from governance.services.two_factor import has_staff_powers

TRUST_AND_SAFETY = "Trust & Safety"
FINANCE = "Finance"
PRIVACY = "Privacy"
CUSTODIAN_OF_RECORDS = "Custodian of Records"
CHILD_SAFETY = "Child safety"  # hash-match review and suspected-minor reports (moderation migration 0002)
ALL = (TRUST_AND_SAFETY, FINANCE, PRIVACY, CUSTODIAN_OF_RECORDS, CHILD_SAFETY)


def in_group(user: Any, name: str) -> bool:
    if not has_staff_powers(user):  # an active staff account whose session or token passed the second factor
        return False
    return name in group_names(user)


def group_names(user: Any) -> frozenset[str]:
    """The user's group names, read once per user object (a request's admin pages ask many times)."""
    names = getattr(user, "staff_group_names_cache", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user.staff_group_names_cache = names
    return names


def is_custodian(user: Any) -> bool:
    """Producer records are for the Custodian of Records group only: superuser status alone is not enough."""
    return in_group(user, CUSTODIAN_OF_RECORDS) and user.has_perm("verification.view_producerrecord")


def can_review_identity(user: Any) -> bool:
    return is_custodian(user) and user.has_perm("verification.review_identityverification")


# Data migrations whose module-level GROUPS ({group name: ["app.codename", ...]}) define the staff groups.
_SOURCES = (
    "fansub.accounts.migrations.0002_staff_groups",
    "governance.migrations.0005_privacy_group_permissions",
    "payments.migrations.0008_refund_request_staff_permissions",
)
_EXTRA_SOURCES: list[str] = []  # migrations of apps that register theirs in ready() (moderation, warehouse)


def register_group_source(module: str) -> None:
    """Another app's data migration that adds groups or permissions (its module-level GROUPS dict)."""
    if module not in _EXTRA_SOURCES:
        _EXTRA_SOURCES.append(module)


def ensure_staff_groups() -> None:
    """(Re)create the groups and permissions as the migrations define them: for the demo loader on a
    database whose rows were flushed (tests in real transactions empty every table, groups included)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for source in (*_SOURCES, *_EXTRA_SOURCES):
        for name, codes in import_module(source).GROUPS.items():
            group, _ = Group.objects.get_or_create(name=name)
            for code in codes:
                app_label, codename = code.split(".")
                group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

"""Names of the staff groups (created with their permissions by migration fansub 0003)."""

from typing import Any

TRUST_AND_SAFETY = "Trust & Safety"
FINANCE = "Finance"
PRIVACY = "Privacy"
CUSTODIAN_OF_RECORDS = "Custodian of Records"
ALL = (TRUST_AND_SAFETY, FINANCE, PRIVACY, CUSTODIAN_OF_RECORDS)


def in_group(user: Any, name: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return False
    return user.groups.filter(name=name).exists()


def is_custodian(user: Any) -> bool:
    """Producer records are for the Custodian of Records group only: superuser status alone is not enough."""
    return in_group(user, CUSTODIAN_OF_RECORDS) and user.has_perm("fansub.view_producerrecord")


def can_review_identity(user: Any) -> bool:
    return is_custodian(user) and user.has_perm("fansub.review_identityverification")

"""Who may see adult material. Pages, API and selectors all ask here, never decide on their own."""

from typing import Any


def can_view_adult(user: Any) -> bool:
    """True only for a signed-in adult who turned safe mode off, which needs a passing age result."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False  # content visible before log-in is always safe-for-work
    if user.is_staff:
        return True
    profile = getattr(user, "fan_profile", None)
    if profile is None:
        return False
    from fansub.services.age_assurance import has_valid_age_assurance

    return (not profile.safe_mode) and has_valid_age_assurance(user)


def adult_denial(user: Any) -> str | None:
    """Why adult material is hidden from ``user``: None (not hidden), "age_verification_required" or "safe_mode"."""
    if can_view_adult(user):
        return None
    if not getattr(user, "is_authenticated", False):
        return "age_verification_required"
    from fansub.services.age_assurance import has_valid_age_assurance

    return "safe_mode" if has_valid_age_assurance(user) else "age_verification_required"

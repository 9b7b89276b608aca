"""Who may see adult material. Pages, API and selectors all ask here, never decide on their own.

- Nobody signed out: content visible before log-in is always safe-for-work.
- Fans: only with safe mode off, which needs the age-assurance rule of their current jurisdiction met
  (checked again here, so a lapsed result or a move to a stricter jurisdiction hides adult content at once).
- Creators: only once identity-verified (staff-reviewed government ID + selfie match, which is stronger
  than any fan age check and accepted as photo-ID matching everywhere). An unverified creator is treated
  like a fan in safe mode.
- Staff: yes, once the session or token passed the second factor (a password-only staff session is a plain
  user). They are adults vetted under their employment contract and must review reported adult content.
"""

from typing import Any

from fansub.verification.services.age_assurance import has_valid_age_assurance
from fansub.verification.services.creator_verification import is_verified_creator
from governance.services.two_factor import has_staff_powers


def can_view_adult(user: Any) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if has_staff_powers(user):
        return True
    if getattr(user, "role", None) == "creator":

        return is_verified_creator(user)
    profile = getattr(user, "fan_profile", None)
    if profile is None or profile.safe_mode:
        return False

    return has_valid_age_assurance(user, profile)


def adult_denial(user: Any) -> str | None:
    """Why adult material is hidden from ``user``: None (not hidden), "age_verification_required" or "safe_mode"."""
    if can_view_adult(user):
        return None
    if not getattr(user, "is_authenticated", False):
        return "age_verification_required"

    return "safe_mode" if has_valid_age_assurance(user) else "age_verification_required"

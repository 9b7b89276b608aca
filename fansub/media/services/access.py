"""Who may see what. Every route (page, API, signed URL, admin) asks here.

``can_view_final`` is the entitlement hook: the owner and staff always; anyone else only when a
registered checker says yes (subscriptions, PPV purchases and custom requests register theirs as
those features land). No checker, no access.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser

from fansub.accounts.models import User
from fansub.media.models import MediaItem, MediaState, RenditionKind
from fansub.verification.policy import can_view_adult
from governance.services.two_factor import has_staff_powers

FinalChecker = Callable[[Any, MediaItem], bool]
_final_checkers: list[FinalChecker] = []
_visibility_checkers: list[FinalChecker] = []
_quarantine_guards: list[FinalChecker] = []

PREVIEW_KINDS = frozenset({RenditionKind.THUMBNAIL, RenditionKind.PREVIEW, RenditionKind.SAFE_PREVIEW})
SIGNED_KINDS = frozenset({RenditionKind.FINAL, RenditionKind.ORIGINAL, RenditionKind.POSTER})


def register_final_checker(checker: FinalChecker) -> FinalChecker:
    if checker not in _final_checkers:
        _final_checkers.append(checker)
    return checker


def register_visibility_checker(checker: FinalChecker) -> FinalChecker:
    """Consumers say who may *know* an item (see its details and previews): viewers of something it is
    attached to (e.g. anyone shown the post card, locked or not)."""
    if checker not in _visibility_checkers:
        _visibility_checkers.append(checker)
    return checker


def can_know(viewer: Any, media_item: MediaItem) -> bool:
    """May ``viewer`` see this item's details at all? Its owner, staff with staff powers, and viewers of
    something it is attached to; a vault item attached to nothing is private to its owner."""
    if is_owner(viewer, media_item) or is_staff(viewer):
        return True
    if media_item.state != MediaState.READY:
        return False
    return (any(checker(viewer, media_item) for checker in list(_visibility_checkers))
            or can_view_final(viewer, media_item))


def register_quarantine_guard(guard: FinalChecker) -> FinalChecker:
    """Moderation narrows which staff may see a quarantined item (a hash match: the Child Safety group)."""
    if guard not in _quarantine_guards:
        _quarantine_guards.append(guard)
    return guard


def staff_may_see(viewer: Any, media_item: MediaItem) -> bool:
    """Staff see ready items; a quarantined one only when every registered guard agrees."""
    if not is_staff(viewer):
        return False
    if media_item.state == MediaState.QUARANTINED:
        return all(guard(viewer, media_item) for guard in list(_quarantine_guards))
    return media_item.state == MediaState.READY


def unregister_final_checker(checker: FinalChecker) -> None:
    if checker in _final_checkers:
        _final_checkers.remove(checker)


def is_owner(viewer: User | AnonymousUser, item: MediaItem) -> bool:
    return bool(getattr(viewer, "is_authenticated", False)) and viewer.pk == item.creator_id


def is_staff(viewer: Any) -> bool:
    """Staff powers: only a staff session or token that passed the second factor (a password alone is a fan)."""
    return has_staff_powers(viewer)


def can_view_final(viewer: Any, media_item: MediaItem) -> bool:
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    if is_owner(viewer, media_item) and media_item.state == MediaState.READY:
        return True
    if is_staff(viewer):
        return staff_may_see(viewer, media_item)
    if media_item.state != MediaState.READY:
        return False
    if media_item.is_adult and not can_view_adult(viewer):
        return False
    return any(checker(viewer, media_item) for checker in list(_final_checkers))


def can_view_original(viewer: Any, media_item: MediaItem) -> bool:
    """The master copy: its owner and staff only (never a buyer)."""
    if is_owner(viewer, media_item):
        return media_item.state == MediaState.READY
    return staff_may_see(viewer, media_item)


def can_view_signed(viewer: Any, media_item: MediaItem, kind: str) -> bool:
    if kind == RenditionKind.ORIGINAL:
        return can_view_original(viewer, media_item)
    return can_view_final(viewer, media_item)  # final, and the poster frame of a video


def preview_kind_for(viewer: Any, media_item: MediaItem, requested: str) -> str | None:
    """The rendition actually served for a preview-class request, or None when nothing may be shown.

    Anyone who may see the post card sees a preview: SFW media to everyone; adult media only to
    viewers allowed adult content, others get the safe-mode preview. The clear thumbnail goes to
    those entitled to the final; everyone else gets the blurred preview in its place.
    """
    if requested not in PREVIEW_KINDS:
        return None
    owner_or_staff = is_owner(viewer, media_item) or is_staff(viewer)
    if media_item.state != MediaState.READY and not owner_or_staff:
        return None
    if media_item.state == MediaState.QUARANTINED and not staff_may_see(viewer, media_item):
        return None
    if media_item.is_adult and not owner_or_staff and not can_view_adult(viewer):
        return RenditionKind.SAFE_PREVIEW
    if requested == RenditionKind.THUMBNAIL and not owner_or_staff and not can_view_final(viewer, media_item):
        return RenditionKind.PREVIEW
    return requested

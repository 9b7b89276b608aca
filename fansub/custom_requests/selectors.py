"""Reads of custom requests and request terms. Who may see a request is decided here, for page and API alike."""

from typing import Any

from django.db.models import Exists, QuerySet

from common.errors import NotFoundError
from fansub.accounts.models import User
from fansub.custom_requests.models import CustomRequest, RequestSettings
from fansub.media.models import UseKind
from fansub.media.services import links as media_links
from governance.services.two_factor import has_staff_powers


def open_terms(creator: User | int) -> RequestSettings | None:
    """A creator's request terms when they take requests."""
    return RequestSettings.objects.filter(creator=creator, enabled=True).select_related("creator").first()


def takes_requests(creator: User | int) -> bool:
    return RequestSettings.objects.filter(creator=creator, enabled=True).exists()


def takes_requests_exists(creator: Any) -> Exists:
    """``takes_requests`` as an expression (``creator`` an ``OuterRef``): a page asks it inside its own query."""
    return Exists(RequestSettings.objects.filter(creator=creator, enabled=True))


def own_terms(creator: User) -> RequestSettings | None:
    """The creator's own settings, enabled or not."""
    return RequestSettings.objects.filter(creator=creator).first()


def request_for_viewer(viewer: User, request_id: int) -> CustomRequest:
    """The request when the viewer is its fan, its creator or staff; NOT_FOUND otherwise (never 'forbidden':
    that would confirm the request exists)."""
    req = (CustomRequest.objects.select_related("fan", "creator").prefetch_related("steps")
           .filter(pk=request_id).first())
    if req is None or not getattr(viewer, "is_authenticated", False) or (
            viewer.pk not in (req.fan_id, req.creator_id) and not has_staff_powers(viewer)):
        raise NotFoundError("No such request.")
    return req


def requests_of(user: User) -> QuerySet[CustomRequest]:
    """Requests the user made (fan) or received (creator), newest first."""
    field = "creator" if user.role == "creator" else "fan"
    return (CustomRequest.objects.filter(**{field: user}).select_related("fan", "creator")
            .prefetch_related("steps").order_by("-updated_at"))


def delivered_to(fan: User, *, limit: int = 200) -> list[CustomRequest]:
    """The fan's delivered requests (delivered, completed, or later disputed/resolved: a delivery stays the
    fan's), newest delivery first, each with ``media`` set (signed finals): the requests part of the library."""
    rows = list(CustomRequest.objects.filter(fan=fan, delivered_at__isnull=False).select_related("creator")
                .order_by("-delivered_at", "-id")[:limit])
    attached = media_links.items_for(UseKind.REQUEST, [r.pk for r in rows])
    adult_ok = media_links.adult_ok_for(fan, attached)
    for row in rows:
        row.media = media_links.media_dicts(fan, attached.get(row.pk, []), entitled=True, adult_ok=adult_ok)
    return rows

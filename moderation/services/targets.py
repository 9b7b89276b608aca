"""What a report points at: the thing's owner and a snapshot of it at report time (read through the product
apps' models, the public part of their interface)."""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from common.errors import NotFoundError
from fansub.custom_requests.models import CustomRequest
from fansub.media.models import MediaItem, MediaUse
from fansub.messaging.models import Message
from fansub.posts.models import Post, PostComment
from fansub.purchases.models import Tip
from moderation.models import TargetKind

User = get_user_model()


@dataclass
class Target:
    kind: str
    target_id: str
    owner: Any
    text: str = ""
    media_ids: list[str] = field(default_factory=list)
    obj: Any = None

    def snapshot(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.target_id, "owner_id": getattr(self.owner, "pk", None),
                "text": self.text[:5000], "media": self.media_ids}


def _media_of(kind: str, object_id: Any) -> list[str]:
    ids = MediaUse.objects.filter(kind=kind, object_id=str(object_id)).values_list("media_item__public_id", flat=True)
    return [str(i) for i in ids]


def _int(target_id: str) -> int:
    try:
        return int(target_id)
    except (TypeError, ValueError):
        raise NotFoundError("Nothing to report there.") from None


def resolve(kind: str, target_id: str) -> Target:
    """Load the reported thing (NOT_FOUND when it does not exist). Profiles are named by handle or id."""
    target_id = str(target_id).strip()
    if kind == TargetKind.POST:
        post = Post.objects.filter(pk=_int(target_id)).select_related("creator").first()
        if post:
            return Target(kind, str(post.pk), post.creator, post.text, _media_of("post", post.pk), post)
    elif kind == TargetKind.COMMENT:
        row = PostComment.objects.filter(pk=_int(target_id)).select_related("author").first()
        if row:
            return Target(kind, str(row.pk), row.author, row.text, obj=row)
    elif kind == TargetKind.MESSAGE:
        msg = Message.objects.filter(pk=_int(target_id)).select_related("sender").first()
        if msg:
            return Target(kind, str(msg.pk), msg.sender, msg.text, _media_of("message", msg.pk), msg)
    elif kind == TargetKind.PROFILE:
        user = (User.objects.filter(handle__iexact=target_id).first() if not target_id.isdigit()
                else User.objects.filter(pk=int(target_id)).first())
        if user:
            profile = getattr(user, "creator_profile", None)
            text = f"{profile.display_name}\n{profile.bio}" if profile else user.handle
            return Target(kind, str(user.pk), user, text, obj=user)
    elif kind == TargetKind.TIP:
        tip = Tip.objects.filter(pk=_int(target_id)).select_related("fan").first()
        if tip:
            return Target(kind, str(tip.pk), tip.fan, tip.note, obj=tip)
    elif kind == TargetKind.CUSTOM_REQUEST:
        req = CustomRequest.objects.filter(pk=_int(target_id)).select_related("fan").first()
        if req:
            return Target(kind, str(req.pk), req.fan, req.description, _media_of("request", req.pk), req)
    elif kind == TargetKind.MEDIA:
        item = MediaItem.objects.filter(public_id=target_id).select_related("creator").first() if _uuid(target_id) \
            else None
        if item:
            return Target(kind, str(item.public_id), item.creator, "", [str(item.public_id)], item)
    raise NotFoundError("Nothing to report there.")


def _uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True

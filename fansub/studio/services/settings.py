"""Studio settings a creator changes: the visible watermark style of their delivered finals."""

from django.db import transaction

from common.errors import PermissionDeniedError, ValidationFailed
from fansub.accounts.models import Role, User
from fansub.media.services import deletion
from fansub.studio.models import StudioSettings, WatermarkStyle
from governance.services import audit
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym


def set_watermark_style(creator: User, style: str) -> StudioSettings:
    """Choose "tiled" or "corner". Copies already delivered in the old style are dropped from the cache,
    so every buyer's next view is marked in the new style (the forensic delivery id stays the same)."""
    if creator.role != Role.CREATOR:
        raise PermissionDeniedError("Only creators have a watermark style.")
    if style not in WatermarkStyle.values:
        raise ValidationFailed(details={"watermark_style": [f"One of {', '.join(WatermarkStyle.values)}."]})
    with transaction.atomic():
        row, _ = StudioSettings.objects.select_for_update().get_or_create(creator=creator)
        if row.watermark_style == style:
            return row  # nothing changes: no audit row, no event, cached copies stay
        previous = row.watermark_style
        row.watermark_style = style
        row.save(update_fields=["watermark_style", "updated_at"])
        audit.record(actor=creator, action="studio.watermark_style_set", obj=row,
                     details={"from": previous, "to": style})
        emit("studio.watermark_style_set", {"creator_id": pseudonym("user", creator.pk), "style": style},
             actor=creator)
        item_ids = list(creator.media_items.values_list("pk", flat=True))
        transaction.on_commit(lambda: deletion.drop_delivered_copies(item_ids))
    return row

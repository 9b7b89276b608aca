"""Demo data for Trust & Safety (registered as a demo step in ModerationConfig.ready): a few reports in the
queue — one on a post with an image, for the safe media view — and screening rules. Idempotent."""

import io
from typing import Any

from django.contrib.auth import get_user_model
from PIL import Image, ImageDraw

from fansub.media.services import processing, uploads
from fansub.posts.services import posts
from fansub.posts.services.posts import AudienceSpec, PostInput
from moderation.models import Report, ScreeningRule
from moderation.services import reports, screening

User = get_user_model()
DEMO_POST_TEXT = "Demo: a photo someone reported (Trust & Safety demo)."


def _image() -> bytes:
    image = Image.new("RGB", (480, 320), (180, 90, 60))
    ImageDraw.Draw(image).text((30, 150), "DEMO REPORTED PHOTO", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def load_moderation(report: Any) -> None:
    for term, category, severity, action in (("buy followers", "spam", 1, "refuse"),
                                             ("idiot", "harassment", 2, "hold")):
        ScreeningRule.objects.get_or_create(term=term, category=category,
                                            defaults={"severity": severity, "action": action})
    screening.rules_changed()
    if Report.objects.exists():
        return
    chef = User.objects.filter(handle="chef_marco").first()
    vera, nico = User.objects.filter(handle="vera_fan").first(), User.objects.filter(handle="nico_fan").first()
    if chef is None or vera is None or nico is None:
        return
    data = _image()
    item = uploads.upload_media(chef, io.BytesIO(data), size=len(data), name="reported.png",
                                content_type="image/png").item
    item.refresh_from_db()
    if item.state == "uploaded":
        processing.process_media_item(item.pk)
    post = posts.create_post(chef, PostInput(text=DEMO_POST_TEXT, audience=AudienceSpec(public=True),
                                             media_ids=(str(item.public_id),)))
    reports.file_report(vera, target_kind="post", target_id=str(post.pk), category="non_consensual",
                        details="I think this photo was posted without consent.")
    reports.file_report(nico, target_kind="post", target_id=str(post.pk), category="non_consensual")
    reports.file_report(nico, target_kind="profile", target_id="chef_marco", category="impersonation",
                        details="Pretends to be a famous chef.")
    report.notes.append("Trust & Safety: the queue has demo reports at /admin/moderation/report/ "
                        "(log in as trust@demo.fansub.local).")

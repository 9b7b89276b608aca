"""Creators' takedowns of their own content leaked elsewhere. The platform files as their agent: the notice
is signed by the platform's copyright agent and names the creator by their public handle only (never their
legal name). When the creator uploads the leaked copy and it carries our forensic watermark, the delivery it
was made for is identified and attached."""

from typing import Any

from django.conf import settings
from django.db import transaction

from common.errors import PermissionDeniedError, ValidationFailed
from fansub.media import selectors as media_selectors
from fansub.media.selectors import owned_item
from fansub.media.services import watermarking
from fansub.media.services.uploads import require_creator
from governance.services import audit
from moderation.models import CreatorTakedown
from telemetry.events import emit
from telemetry.pseudonyms import pseudonym

MAX_LEAK_BYTES = 30 * 1024 * 1024


def notice_text(*, handle: str, urls: list[str], work: str, original_url: str, watermark: int | None) -> str:
    lines = [
        "Notice of claimed infringement under 17 U.S.C. 512(c)(3)",
        "",
        f"(i) Signature: /{settings.DMCA_AGENT_NAME}/, authorised agent of the copyright owner, the Fan-Sub "
        f"creator @{handle}.",
        f"(ii) Copyrighted work: {work or 'original photographs and videos by the creator'}"
        + (f", published at {original_url}" if original_url else "") + ".",
        "(iii) Infringing material and its location:",
        *[f"    {url}" for url in urls],
        f"(iv) Contact: {settings.DMCA_AGENT_NAME}, {settings.DMCA_AGENT_EMAIL} (agent for the owner).",
        "(v) I have a good faith belief that use of the material in the manner complained of is not authorized by "
        "the copyright owner, its agent, or the law.",
        "(vi) The information in this notification is accurate, and under penalty of perjury, I am authorized to "
        "act on behalf of the owner of an exclusive right that is allegedly infringed.",
    ]
    if watermark is not None:
        lines += ["", f"Forensic identification: the copy carries our invisible watermark for delivery #{watermark}, "
                      "proving it was taken from our service."]
    return "\n".join(lines) + "\n"


def file_takedown(creator: Any, *, infringing_urls: str, work_description: str = "", original_public_id: str = "",
                  leaked_image: bytes | None = None) -> CreatorTakedown:
    require_creator(creator)
    urls = [u.strip() for u in infringing_urls.split() if u.strip().lower().startswith(("http://", "https://"))]
    if not urls:
        raise ValidationFailed("Give at least one http(s) URL where the leak is.",
                               details={"infringing_urls": ["At least one URL is required."]})
    original = owned_item(creator, original_public_id) if original_public_id else None
    if original_public_id and original is None:
        raise PermissionDeniedError("You can only file for your own content.")
    if leaked_image is not None and len(leaked_image) > MAX_LEAK_BYTES:
        raise ValidationFailed("The leaked copy is too large.", details={"leaked_image": ["Too large."]})
    delivery_id = None
    if leaked_image:
        # The creator's deliveries are the only viewers who could have leaked it: informed detection
        # reads weaker and averaged (colluders') copies among them.
        candidates = media_selectors.delivery_ids(media_item=original, creator_id=creator.pk)
        delivery_id = watermarking.identify_leak(leaked_image, candidates)
    original_url = f"{settings.SITE_URL.rstrip('/')}/media/{original.public_id}/" if original else ""
    with transaction.atomic():
        takedown = CreatorTakedown.objects.create(
            creator=creator, original_media=original, infringing_urls="\n".join(urls),
            work_description=work_description.strip()[:2000], watermark_delivery_id=delivery_id,
            notice_text=notice_text(handle=creator.handle, urls=urls, work=work_description.strip()[:2000],
                                    original_url=original_url, watermark=delivery_id))
        audit.record(actor=creator, action="dmca.takedown_filed", obj=takedown,
                     details={"urls": len(urls), "watermark_found": delivery_id is not None})
        emit("dmca.takedown_filed", {"takedown_id": pseudonym("dmca_takedown", takedown.pk), "urls": len(urls),
                                     "watermark_found": delivery_id is not None}, actor=creator)
    return takedown

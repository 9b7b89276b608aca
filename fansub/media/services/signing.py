"""Signed, expiring URLs for finals and originals, bound to one viewer, one item and one rendition.

django.core.signing (HMAC-SHA256 over the payload and a timestamp, keyed by SECRET_KEY and a
salt of our own) over a Fernet-encrypted target: the URL names nothing personal and its payload is
opaque (no readable ids); only our server can read it.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core import signing

from common import crypto
from common.errors import SignedUrlInvalid
from telemetry import metrics
from telemetry.pseudonyms import actor_pseudonym

logger = logging.getLogger("fansub.media.security")

SALT = "fansub.media.signed-url.v1"
T = TypeVar("T", "SignedTarget", "SegmentTarget")


@dataclass(frozen=True)
class SignedTarget:
    viewer_id: int
    media_item_id: int
    kind: str


def sign(viewer_id: int, media_item_id: int, kind: str) -> str:
    """The target is encrypted (Fernet, common/crypto.py) before it is signed: the URL carries no readable id."""
    sealed = crypto.encrypt_text(json.dumps({"v": viewer_id, "m": media_item_id, "r": kind}, separators=(",", ":")))
    return signing.dumps(sealed, salt=SALT, compress=False)


def verify(token: str, viewer: Any) -> SignedTarget:
    """The target of a token presented by ``viewer``; tampered, expired or someone else's: refused and logged."""
    return _open(token, viewer, SALT, settings.MEDIA_SIGNED_URL_TTL_SECONDS,
                 lambda data: SignedTarget(int(data["v"]), int(data["m"]), str(data["r"])))


def _open(token: str, viewer: Any, salt: str, max_age: int, target_of: Callable[[dict[str, Any]], T]) -> T:
    """Check the signature and age, decrypt, build the target, and bind it to the viewer presenting it."""
    try:
        sealed = signing.loads(token, salt=salt, max_age=max_age)
        target = target_of(json.loads(crypto.decrypt_text(str(sealed))))
    except signing.SignatureExpired:
        _refuse("expired", viewer)
    except (signing.BadSignature, crypto.DecryptionFailed, KeyError, TypeError, ValueError):
        _refuse("bad_signature", viewer)
    if not getattr(viewer, "is_authenticated", False) or viewer.pk != target.viewer_id:
        _refuse("other_viewer", viewer)
    return target


def _refuse(reason: str, viewer: Any) -> None:
    # Pseudonymous actor only: no token, no address, no handle in the log.
    logger.warning("signed media URL refused reason=%s actor=%s", reason, actor_pseudonym(viewer) or "anonymous")
    metrics.increment("SIGNED_URL_INVALID", component="media.signed_url", severity="warning")
    raise SignedUrlInvalid(details={"reason": reason})


SEGMENT_SALT = "fansub.media.hls-segment.v1"


@dataclass(frozen=True)
class SegmentTarget:
    viewer_id: int
    media_item_id: int
    index: int
    variant: str


def sign_segment(viewer_id: int, media_item_id: int, index: int, variant: str) -> str:
    """One segment variant of one viewer's playlist. Sealed like finals: the variant (A or B) is not readable,
    so viewers comparing their playlists cannot see which segments carry their mark."""
    sealed = crypto.encrypt_text(json.dumps({"v": viewer_id, "m": media_item_id, "i": index, "x": variant},
                                            separators=(",", ":")))
    return signing.dumps(sealed, salt=SEGMENT_SALT, compress=False)


def verify_segment(token: str, viewer: Any) -> SegmentTarget:
    """Valid for a whole viewing (MEDIA_HLS_URL_TTL_SECONDS); otherwise refused like ``verify``."""
    return _open(token, viewer, SEGMENT_SALT, settings.MEDIA_HLS_URL_TTL_SECONDS,
                 lambda data: SegmentTarget(int(data["v"]), int(data["m"]), int(data["i"]), str(data["x"])))

"""Media items, their renditions, the deliveries of finals to viewers, and upload tickets.

Files live in the private storage (settings.STORAGES["private"]); rows only name their keys.
Deleting a Rendition or a Delivery row deletes its file (fansub.media.signals), whatever the
path that deleted the row (service, admin, cascade from an account).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.state_machine import TransitionTable, choices_constraint


class MediaKind(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"


class MediaState(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    QUARANTINED = "quarantined", "Quarantined"


S = MediaState
MEDIA_TRANSITIONS = TransitionTable("media_item", {
    S.UPLOADED: {S.PROCESSING, S.FAILED},
    # processing -> processing is a retry after a crashed or failed attempt
    S.PROCESSING: {S.PROCESSING, S.READY, S.FAILED, S.QUARANTINED},
    S.READY: {S.QUARANTINED},  # moderation may pull a ready item later
    S.QUARANTINED: {S.READY},  # moderation may release it
    S.FAILED: set(),
})


class RenditionKind(models.TextChoices):
    ORIGINAL = "original", "Original (metadata stripped)"
    FINAL = "final", "Final"
    THUMBNAIL = "thumbnail", "Thumbnail"
    PREVIEW = "preview", "Preview (blurred)"
    SAFE_PREVIEW = "safe_preview", "Safe-mode preview"
    POSTER = "poster", "Poster frame"
    # A video's HLS package: the row names its manifest; its A/B segments are VideoSegment rows.
    STREAM = "stream", "Marked stream (HLS, A/B segments)"


class UseKind(models.TextChoices):
    POST = "post", "Post"
    MESSAGE = "message", "Message"
    REQUEST = "request", "Custom request"


class MediaItem(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_items")
    kind = models.CharField(max_length=8, choices=MediaKind.choices)
    state = models.CharField(max_length=12, choices=MediaState.choices, default=MediaState.UPLOADED)
    is_adult = models.BooleanField(default=False)
    source_format = models.CharField(max_length=12)  # detected from content: jpeg, png, webp, heif, gif, mp4, ...
    original_name = models.CharField(max_length=255, blank=True)  # shown to the owner only
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    phash = models.CharField(max_length=16, blank=True)  # perceptual hash (imagehash pHash, 64 bits hex)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    upload_key = models.CharField(max_length=512, blank=True)  # raw upload awaiting processing, then erased
    failure_code = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["creator", "state", "-created_at"]),
            models.Index(fields=["phash"]),
            models.Index(fields=["sha256"]),
        ]
        constraints = [
            # An exact duplicate in one vault reuses the existing item (a failed one may be uploaded again).
            models.UniqueConstraint(fields=["creator", "sha256"], condition=~Q(state="failed"),
                                    name="media_item_unique_live_sha256_per_creator"),
            models.CheckConstraint(condition=Q(size_bytes__gte=0), name="media_item_size_not_negative"),
            choices_constraint("state", MediaState, "media_item_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id} ({self.state})"


class Rendition(models.Model):
    media_item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(max_length=12, choices=RenditionKind.choices)
    storage_key = models.CharField(max_length=512, unique=True)
    content_type = models.CharField(max_length=64)
    size_bytes = models.BigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["media_item", "kind"], name="rendition_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.media_item_id}"


class Delivery(models.Model):
    """One final delivered to one viewer. Its integer pk is the forensic delivery id in the watermark."""

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_deliveries")
    media_item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="deliveries")
    rendition = models.ForeignKey(Rendition, on_delete=models.CASCADE, related_name="deliveries")
    cached_key = models.CharField(max_length=512, blank=True)  # the watermarked copy, when cached
    cached_size = models.BigIntegerField(default=0)
    watermark_engine = models.CharField(max_length=20, blank=True)  # "watermark" (the engine that marked it)
    # For a stream delivery: the code its playlist spells with A/B segments (1, 2, ... per stream).
    mark_code = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_served_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["viewer", "rendition"], name="delivery_one_per_viewer"),
                       models.UniqueConstraint(fields=["rendition", "mark_code"], condition=Q(mark_code__isnull=False),
                                               name="delivery_mark_code_unique_per_stream")]
        indexes = [models.Index(fields=["media_item", "viewer"])]

    def __str__(self) -> str:
        return f"delivery {self.pk}"


class VideoSegment(models.Model):
    """One variant (A or B) of one HLS segment of a stream rendition; deleted with it (file too)."""

    rendition = models.ForeignKey(Rendition, on_delete=models.CASCADE, related_name="segments")
    index = models.PositiveIntegerField()
    variant = models.CharField(max_length=1, choices=[("a", "A"), ("b", "B")])
    storage_key = models.CharField(max_length=512, unique=True)
    size_bytes = models.BigIntegerField()
    duration_ms = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rendition", "index", "variant"], name="video_segment_unique"),
                       models.CheckConstraint(condition=Q(variant__in=["a", "b"]), name="video_segment_variant_valid")]

    def __str__(self) -> str:
        return f"segment {self.index}{self.variant} of rendition {self.rendition_id}"


class MediaUse(models.Model):
    """Where an item is used (post, message, request). Written by those features through services.uses."""

    media_item = models.ForeignKey(MediaItem, on_delete=models.CASCADE, related_name="uses")
    kind = models.CharField(max_length=10, choices=UseKind.choices)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["media_item", "kind", "object_id"], name="media_use_unique")]
        indexes = [models.Index(fields=["kind", "object_id"])]


class UploadTicket(models.Model):
    """A direct-to-storage upload (presigned POST) waiting for its completion call."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_tickets")
    storage_key = models.CharField(max_length=512, unique=True)
    max_bytes = models.BigIntegerField()
    is_adult = models.BooleanField(default=False)
    original_name = models.CharField(max_length=255, blank=True)
    declared_type = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"upload ticket {self.public_id}"

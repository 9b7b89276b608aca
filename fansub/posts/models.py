from django.conf import settings
from django.db import models
from django.db.models import Q

from common.state_machine import TransitionTable, choices_constraint
from payments.money import Money


class PostStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"
    PENDING = "pending", "Waiting for performer records"
    REMOVED = "removed", "Removed"


P = PostStatus
POST_TRANSITIONS = TransitionTable("post", {
    P.DRAFT: {P.SCHEDULED, P.PUBLISHED, P.REMOVED},
    P.SCHEDULED: {P.PUBLISHED, P.REMOVED},
    P.PUBLISHED: {P.REMOVED, P.PENDING},
    P.PENDING: {P.PUBLISHED, P.REMOVED},
    P.REMOVED: set(),
})


class Post(models.Model):
    """A creator's post. Its audience is a set of rules joined by OR (see ``audience_*`` and ``ppv_*``)."""

    creator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    text = models.TextField(blank=True, max_length=10000)
    status = models.CharField(max_length=10, choices=PostStatus.choices, default=PostStatus.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    is_pinned = models.BooleanField(default=False)
    is_adult = models.BooleanField(default=False)
    comments_enabled = models.BooleanField(default=True)
    # Audience rules, joined by OR. No rule at all means only the creator (and staff) can see it.
    audience_public = models.BooleanField(default=False)
    audience_followers = models.BooleanField(default=False)
    audience_subscribers = models.BooleanField(default=False, help_text="Any active subscriber, any tier.")
    audience_tiers = models.ManyToManyField("offers.Tier", blank=True, related_name="posts")
    ppv_price_minor = models.PositiveIntegerField(null=True, blank=True, help_text="Unlock price, if sold.")
    ppv_currency = models.CharField(max_length=3, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(max_length=200, blank=True)
    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["creator", "status", "-published_at"]),
            models.Index(fields=["status", "-published_at", "-id"]),
            models.Index(fields=["status", "publish_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ppv_price_minor__isnull=True) | ~Q(ppv_currency=""), name="post_ppv_has_currency"),
            choices_constraint("status", PostStatus, "post_status_valid"),
        ]

    def __str__(self) -> str:
        return f"post {self.pk} by {self.creator_id}"

    @property
    def ppv_price(self) -> Money | None:
        return Money(self.ppv_price_minor, self.ppv_currency) if self.ppv_price_minor is not None else None


class PostRevision(models.Model):
    """Edit history: the text as it was before each edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField(blank=True)
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-edited_at", "-id")

    def __str__(self) -> str:
        return f"revision of post {self.post_id}"


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="post_like_unique")]

    def __str__(self) -> str:
        return f"like {self.user_id}→{self.post_id}"


class PostComment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_comments")
    text = models.TextField(max_length=2000)
    is_hidden = models.BooleanField(default=False, help_text="Hidden by moderation.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.post_id}"



from django.conf import settings
from django.db import models


class CreatorCategory(models.TextChoices):
    ART = "art", "Art and illustration"
    MUSIC = "music", "Music"
    FITNESS = "fitness", "Fitness and wellbeing"
    GAMING = "gaming", "Gaming"
    COOKING = "cooking", "Food and cooking"
    EDUCATION = "education", "Education"
    LIFESTYLE = "lifestyle", "Lifestyle"
    COSPLAY = "cosplay", "Cosplay"
    PHOTOGRAPHY = "photography", "Photography"
    ADULT = "adult", "Adult (18+)"
    OTHER = "other", "Other"


class CreatorProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="creator_profile")
    display_name = models.CharField(max_length=80)
    bio = models.TextField(blank=True, max_length=2000)
    avatar = models.ImageField(upload_to="avatars/", blank=True)
    banner = models.ImageField(upload_to="banners/", blank=True)
    is_adult = models.BooleanField(default=False, help_text="Publishes adult (18+) content.")
    category = models.CharField(max_length=20, blank=True, choices=CreatorCategory.choices,
                                help_text="Where fans find you in creator search.")
    tags = models.CharField(max_length=200, blank=True,
                            help_text="Up to 8 search tags, comma separated (lower case, e.g. watercolour, tutorials).")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    payout_ready = models.BooleanField(default=False, help_text="Payout account connected and enabled.")
    message_policy = models.CharField(max_length=12, default="followers",
                                      choices=[("anyone", "Anyone"), ("followers", "Followers and subscribers"),
                                               ("subscribers", "Subscribers only")],
                                      help_text="Who may start a conversation with this creator.")
    hide_tip_totals = models.BooleanField(default=False, help_text="Do not show tip totals publicly.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["is_adult"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def tags_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class FanProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fan_profile")
    safe_mode = models.BooleanField(
        default=True, help_text="Hide adult content. Only switchable with a passing age result.")
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, for tax and age rules")
    region = models.CharField(max_length=6, blank=True, help_text="ISO 3166-2 subdivision (US state, CA province)")
    age_jurisdictions_seen = models.JSONField(
        default=list, blank=True,
        help_text="Jurisdictions seen for this fan (earlier declarations, request countries) whose age rule no "
                  "passed check has met yet: their rules keep applying until one does.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"fan profile of {self.user_id}"

"""The creator's studio settings (one row per creator, made on first save)."""

from django.conf import settings
from django.db import models

from common.state_machine import choices_constraint


class WatermarkStyle(models.TextChoices):
    TILED = "tiled", "Tiled across the picture"
    CORNER = "corner", "One corner"


class StudioSettings(models.Model):
    creator = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="studio_settings")
    watermark_style = models.CharField(max_length=10, choices=WatermarkStyle.choices, default=WatermarkStyle.TILED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "studio settings"
        constraints = [choices_constraint("watermark_style", WatermarkStyle, "studio_watermark_style_valid")]

    def __str__(self) -> str:
        return f"studio settings of user {self.creator_id}"

    @staticmethod
    def watermark_style_for(creator_id: int) -> str:
        """The visible watermark style a creator chose for their finals (tiled when they never chose)."""
        style = (StudioSettings.objects.filter(creator_id=creator_id)
                 .values_list("watermark_style", flat=True).first())
        return style or WatermarkStyle.TILED

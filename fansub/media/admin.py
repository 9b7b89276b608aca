"""Media in the admin: staff look, delete through the service (files go too), and see deliveries."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from fansub.media.models import Delivery, MediaItem, Rendition, UploadTicket
from fansub.media.services.deletion import delete_media_item
from governance.admin_base import AuditedModelAdmin, ReadOnlyAdmin


class RenditionInline(admin.TabularInline):
    model = Rendition
    extra = 0
    can_delete = False
    fields = ("kind", "content_type", "size_bytes", "width", "height", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MediaItem)
class MediaItemAdmin(AuditedModelAdmin):
    list_display = ("public_id", "creator", "kind", "state", "is_adult", "size_bytes", "failure_code", "created_at")
    list_filter = ("kind", "state", "is_adult")
    search_fields = ("public_id", "sha256", "phash", "creator__handle")
    readonly_fields = ("public_id", "creator", "kind", "state", "source_format", "original_name", "size_bytes",
                       "sha256", "phash", "width", "height", "duration_ms", "upload_key", "failure_code", "attempts",
                       "created_at", "updated_at", "processed_at")
    fields = ("is_adult", *readonly_fields)
    inlines = [RenditionInline]
    list_select_related = ("creator",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: MediaItem) -> None:
        delete_media_item(request.user, obj, reason="admin")

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[MediaItem]) -> None:
        for item in queryset:
            delete_media_item(request.user, item, reason="admin")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Look up who received a leaked copy: the forensic mark carries the delivery id (this pk)."""

    list_display = ("id", "viewer", "media_item", "watermark_engine", "mark_code", "created_at", "last_served_at")
    search_fields = ("=id", "media_item__public_id")
    list_select_related = ("viewer", "media_item")


@admin.register(UploadTicket)
class UploadTicketAdmin(ReadOnlyAdmin):
    list_display = ("public_id", "creator", "expires_at", "completed_at")
    list_select_related = ("creator",)

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from fansub.models import CreatorProfile, FanProfile, User
from governance.admin_base import AuditedModelAdmin


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    ordering = ("-date_joined",)
    list_display = ("handle", "email", "role", "is_active", "is_staff", "date_joined")
    list_filter = ("role", "is_active", "is_staff", "groups")
    search_fields = ("handle", "email")
    fieldsets = (
        (None, {"fields": ("email", "handle", "password")}),
        ("Role", {"fields": ("role", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("date_joined", "last_login", "erased_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "handle", "role", "password1", "password2")}),)
    readonly_fields = ("date_joined", "last_login", "erased_at")


@admin.register(CreatorProfile)
class CreatorProfileAdmin(AuditedModelAdmin):
    list_display = ("display_name", "user", "is_adult", "country", "payout_ready")
    list_filter = ("is_adult", "payout_ready", "country")
    search_fields = ("display_name", "user__handle")
    raw_id_fields = ("user",)


@admin.register(FanProfile)
class FanProfileAdmin(AuditedModelAdmin):
    list_display = ("user", "country", "region", "safe_mode")
    list_filter = ("safe_mode", "country")
    search_fields = ("user__handle",)
    raw_id_fields = ("user",)

from fansub import verification_admin  # noqa: E402, F401  (registers the verification admins)

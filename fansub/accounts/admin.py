from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from fansub.accounts.models import CreatorProfile, FanProfile, User
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
    # Only superusers grant privileges; group staff (e.g. Trust & Safety deactivating an account) cannot
    # make anyone staff, change groups or permissions, reset passwords or touch another staff account.
    privilege_fields = ("role", "is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):  # noqa: ANN001, ANN201
        fields = super().get_readonly_fields(request, obj)
        if not request.user.is_superuser:
            fields = (*fields, *self.privilege_fields)
        return fields

    def has_change_permission(self, request, obj=None):  # noqa: ANN001, ANN201
        if obj is not None and obj.is_staff and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):  # noqa: ANN001, ANN201
        if not request.user.is_superuser:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


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

from fansub.verification import admin as verification_admin  # noqa: E402, F401  (registers the verification admins)

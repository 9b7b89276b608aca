"""Admin for verifications. Decisions go through the services (which audit); producer records are readable
by the Custodian of Records only and every view of one writes an audit row."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from common.errors import DomainError
from fansub.accounts.staff_groups import can_review_identity, is_custodian
from fansub.verification.models import (
    AgeCheck,
    AgeWebhookReceipt,
    ElectronicRelease,
    IdentityVerification,
    ProducerRecord,
)
from fansub.verification.services import creator_verification
from governance.admin_base import AuditedModelAdmin, ReadOnlyAdmin
from governance.services import audit


class DecisionReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=2000,
                             help_text="Required; recorded in the audit log and shown to the creator.")


def _decision_action(service: Any, verb: str, description: str) -> Any:
    @admin.action(description=description, permissions=["review"])
    def action(modeladmin: "IdentityVerificationAdmin", request: HttpRequest, queryset: QuerySet) -> Any:
        form = DecisionReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for verification_id in queryset.values_list("pk", flat=True):
                try:
                    service(verification_id, request.user, form.cleaned_data["reason"])
                    done += 1
                except DomainError as error:
                    modeladmin.message_user(request, f"#{verification_id}: {error.message}", messages.ERROR)
            if done:
                modeladmin.message_user(request, f"{done} verification(s) {verb}.", messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/verification/verification_decision.html", {
            **modeladmin.admin_site.each_context(request), "title": description, "form": form, "verb": verb,
            "queryset": queryset, "action_name": request.POST.get("action"), "opts": modeladmin.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        })

    action.__name__ = f"{verb}_selected"
    return action


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(AuditedModelAdmin):
    list_display = ("id", "user", "status", "provider", "submitted_at", "decided_at", "decided_by", "valid_until",
                    "record_link")
    list_filter = ("status", "provider")
    search_fields = ("user__handle",)
    readonly_fields = ("user", "provider", "provider_reference", "status", "submitted_at", "decided_at",
                       "decided_by", "decision_reason", "valid_until", "record_link")
    fields = readonly_fields
    actions = [
        _decision_action(creator_verification.approve, "approved", "Approve selected verifications"),
        _decision_action(creator_verification.reject, "rejected", "Reject selected verifications"),
        _decision_action(creator_verification.expire, "expired", "Mark selected verifications expired"),
    ]

    def has_review_permission(self, request: HttpRequest) -> bool:
        return can_review_identity(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # state changes only through the audited actions

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # retained with the producer records

    @admin.display(description="Producer record")
    def record_link(self, obj: IdentityVerification) -> str:
        record = getattr(obj, "record", None)
        if record is None:
            return "—"
        return format_html('<a href="{}">record {}</a>',
                           reverse("admin:verification_producerrecord_change", args=[record.pk]), record.pk)


@admin.register(ProducerRecord)
class ProducerRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "verification_status", "id_document_type", "id_document_country", "created_at",
                    "retain_until")
    list_filter = ("id_document_type", "verification__status")
    search_fields = ("user__handle",)  # the encrypted fields cannot be searched, by design
    fields = ("user", "verification", "legal_name", "date_of_birth", "aliases", "id_document_type",
              "id_document_country", "id_document_image", "selfie_image", "created_at", "retain_until")
    readonly_fields = fields

    # Only the Custodian of Records group, whatever other permissions (even superuser) someone holds.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_custodian(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_custodian(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("user", "verification")

    @admin.display(description="Status")
    def verification_status(self, obj: ProducerRecord) -> str:
        return obj.verification.get_status_display()

    def _image_link(self, obj: ProducerRecord, kind: str) -> str:
        url = reverse("admin:verification_producerrecord_image", args=[obj.pk, kind])
        return format_html('<a href="{}" target="_blank" rel="noopener">Open (logged)</a>', url)

    @admin.display(description="ID document copy")
    def id_document_image(self, obj: ProducerRecord) -> str:
        return self._image_link(obj, "id_document")

    @admin.display(description="Selfie")
    def selfie_image(self, obj: ProducerRecord) -> str:
        return self._image_link(obj, "selfie")

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if is_custodian(request.user):
            audit.record(actor=request.user, action="producer_record.list_viewed",
                         object_type="verification.producerrecord")
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        try:
            creator_verification.view_record(int(object_id), request.user)
        except DomainError:
            raise PermissionDenied
        except (ValueError, ProducerRecord.DoesNotExist):
            return HttpResponseRedirect(reverse("admin:verification_producerrecord_changelist"))
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        raise PermissionDenied  # the audit log is the history of a record

    def get_urls(self) -> list:
        extra = [path("<int:record_id>/image/<str:kind>/", self.admin_site.admin_view(self.image_view),
                      name="verification_producerrecord_image")]
        return extra + super().get_urls()

    def image_view(self, request: HttpRequest, record_id: int, kind: str) -> HttpResponse:
        try:
            data, content_type = creator_verification.read_record_image(record_id, request.user, kind)
        except DomainError:
            raise PermissionDenied
        except ProducerRecord.DoesNotExist:
            raise PermissionDenied
        response = HttpResponse(data, content_type=content_type)
        response["Cache-Control"] = "no-store, private"
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        return response


@admin.register(ElectronicRelease)
class ElectronicReleaseAdmin(ReadOnlyAdmin):
    """Co-performers' e-signed releases with their evidence: part of the producer records, so only the Custodian
    of Records sees them, and every view writes an audit row."""

    list_display = ("id", "post_id", "signer", "requested_by", "status", "decided_at", "retain_until")
    list_filter = ("status",)
    search_fields = ("signer__handle", "requested_by__handle")
    fields = ("post", "signer", "requested_by", "status", "text_version", "text_sha256",
              "consented_to_electronic_records", "signature_name", "signed_ip", "decided_at", "created_at",
              "retain_until", "producer_record")
    readonly_fields = fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_custodian(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_custodian(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("signer", "requested_by", "post")

    @admin.display(description="Signer's producer record")
    def producer_record(self, obj: ElectronicRelease) -> str:
        record = ProducerRecord.objects.filter(user_id=obj.signer_id).order_by("-pk").first()
        if record is None:
            return "—"
        return format_html('<a href="{}">Producer record {}</a>',
                           reverse("admin:verification_producerrecord_change", args=[record.pk]), record.pk)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if is_custodian(request.user):
            audit.record(actor=request.user, action="e_release.list_viewed",
                         object_type="verification.electronicrelease")
        return super().changelist_view(request, extra_context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: dict | None = None) -> HttpResponse:
        if is_custodian(request.user):
            audit.record(actor=request.user, action="e_release.viewed", object_type="verification.electronicrelease",
                         object_id=str(object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        raise PermissionDenied  # the audit log is the history of a record


@admin.register(AgeCheck)
class AgeCheckAdmin(ReadOnlyAdmin):
    """Fan age results are decided by providers only; staff can look, nobody edits."""

    list_display = ("id", "user", "provider", "method", "jurisdiction", "status", "started_at", "decided_at",
                    "expires_at")
    list_filter = ("status", "provider", "method", "jurisdiction")
    search_fields = ("user__handle", "provider_reference")


@admin.register(AgeWebhookReceipt)
class AgeWebhookReceiptAdmin(ReadOnlyAdmin):
    list_display = ("provider", "provider_reference", "outcome", "signed_at", "received_at")
    list_filter = ("provider", "outcome")
    search_fields = ("provider_reference",)

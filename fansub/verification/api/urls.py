from django.urls import path

from fansub.verification.api import views

urlpatterns = [
    path("verifications/", views.VerificationStatusView.as_view(), name="api-verifications"),
    path("verifications/age/", views.AgeCheckStartView.as_view(), name="api-age-check-start"),
    path("verifications/age/webhooks/<str:provider>/", views.AgeWebhookView.as_view(), name="api-age-webhook"),
    path("verifications/identity/", views.IdentityVerificationView.as_view(), name="api-identity-verification"),
]

from django.urls import path

from fansub.api import views

urlpatterns = [
    path("auth/signup/", views.SignupView.as_view(), name="api-signup"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/profile/", views.MyProfileView.as_view(), name="api-my-profile"),
    path("creators/", views.CreatorListView.as_view(), name="api-creator-list"),
    path("creators/<str:handle>/", views.CreatorDetailView.as_view(), name="api-creator-detail"),
]

from fansub.api import verification_views as vv  # noqa: E402

urlpatterns += [
    path("verifications/", vv.VerificationStatusView.as_view(), name="api-verifications"),
    path("verifications/age/", vv.AgeCheckStartView.as_view(), name="api-age-check-start"),
    path("verifications/age/webhooks/<str:provider>/", vv.AgeWebhookView.as_view(), name="api-age-webhook"),
    path("verifications/identity/", vv.IdentityVerificationView.as_view(), name="api-identity-verification"),
]

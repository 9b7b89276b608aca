from django.urls import path

from fansub.accounts.api import views

urlpatterns = [
    path("auth/signup/", views.SignupView.as_view(), name="api-signup"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/profile/", views.MyProfileView.as_view(), name="api-my-profile"),
    path("creators/", views.CreatorListView.as_view(), name="api-creator-list"),
    path("creators/<str:handle>/", views.CreatorDetailView.as_view(), name="api-creator-detail"),
]

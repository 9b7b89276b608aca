from django.urls import path

from fansub.custom_requests.api import views

urlpatterns = [
    path("requests/", views.RequestsView.as_view(), name="api-requests"),
    path("requests/<int:request_id>/", views.RequestDetailView.as_view(), name="api-request-detail"),
    path("me/request-settings/", views.RequestSettingsView.as_view(), name="api-request-settings"),
    path("creators/<str:handle>/request-terms/", views.CreatorRequestTermsView.as_view(), name="api-request-terms"),
]

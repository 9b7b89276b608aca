from django.urls import path

from governance.api import views

urlpatterns = [
    path("privacy/requests/", views.PrivacyRequestListView.as_view(), name="api-privacy-requests"),
    path("privacy/requests/<uuid:public_id>/", views.PrivacyRequestDetailView.as_view(),
         name="api-privacy-request"),
    path("privacy/requests/<uuid:public_id>/withdraw/", views.PrivacyRequestWithdrawView.as_view(),
         name="api-privacy-request-withdraw"),
]

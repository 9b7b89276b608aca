from django.urls import path

from moderation.api import views

urlpatterns = [
    path("reports/", views.ReportCreateView.as_view(), name="api-reports"),
    path("moderation/actions/<str:action_id>/appeal/", views.AppealCreateView.as_view(), name="api-appeal"),
]

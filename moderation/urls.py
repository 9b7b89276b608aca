from django.urls import path

from moderation import views

urlpatterns = [
    path("report/", views.public_report, name="public-report"),
    path("report/done/", views.report_done, name="report-done"),
    path("report/<str:kind>/<str:target_id>/", views.report, name="report"),
    path("moderation/appeal/<str:action_id>/", views.appeal, name="appeal"),
    path("transparency/", views.transparency, name="transparency"),
]

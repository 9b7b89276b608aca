from django.urls import path

from telemetry.views import metrics_view

app_name = "telemetry"

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
]

from django.urls import path

from moderation import views

urlpatterns = [
    path("legal/dmca/", views.policy, name="dmca-policy"),
    path("legal/dmca/notice/", views.notice, name="dmca-notice"),
    path("legal/dmca/suit/<str:token>/", views.report_suit, name="dmca-report-suit"),
    path("studio/dmca/", views.studio_dmca, name="studio-dmca"),
    path("studio/dmca/notices/<uuid:notice_id>/counter-notice/", views.counter_notice, name="studio-dmca-counter"),
    path("studio/dmca/takedown/", views.takedown, name="studio-dmca-takedown"),
    path("report/", views.public_report, name="public-report"),
    path("report/done/", views.report_done, name="report-done"),
    path("report/<str:kind>/<str:target_id>/", views.report, name="report"),
    path("moderation/appeal/<str:action_id>/", views.appeal, name="appeal"),
    path("transparency/", views.transparency, name="transparency"),
]

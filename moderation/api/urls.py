from django.urls import path

from moderation.api import views

urlpatterns = [
    path("reports/", views.ReportCreateView.as_view(), name="api-reports"),
    path("moderation/actions/<str:action_id>/appeal/", views.AppealCreateView.as_view(), name="api-appeal"),
    path("moderation/dmca/notices/", views.NoticeCreateView.as_view(), name="api-dmca-notices"),
    path("moderation/dmca/notices/<uuid:notice_id>/counter-notice/", views.CounterNoticeCreateView.as_view(),
         name="api-dmca-counter-notice"),
    path("moderation/dmca/suits/<str:token>/", views.SuitReportView.as_view(), name="api-dmca-suit"),
    path("moderation/dmca/strikes/<int:strike_id>/appeal/", views.StrikeAppealView.as_view(),
         name="api-dmca-strike-appeal"),
    path("moderation/dmca/policy/", views.PolicyView.as_view(), name="api-dmca-policy"),
]

from django.urls import path

from moderation.api import views

urlpatterns = [
    path("dmca/notices/", views.NoticeCreateView.as_view(), name="api-dmca-notices"),
    path("dmca/notices/<uuid:notice_id>/counter-notice/", views.CounterNoticeCreateView.as_view(),
         name="api-dmca-counter-notice"),
    path("dmca/suits/<str:token>/", views.SuitReportView.as_view(), name="api-dmca-suit"),
    path("dmca/strikes/<int:strike_id>/appeal/", views.StrikeAppealView.as_view(), name="api-dmca-strike-appeal"),
    path("dmca/policy/", views.PolicyView.as_view(), name="api-dmca-policy"),
]

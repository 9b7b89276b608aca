from django.urls import path

from fansub.accounts.api import views

urlpatterns = [
    path("auth/signup/", views.SignupView.as_view(), name="api-signup"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/profile/", views.MyProfileView.as_view(), name="api-my-profile"),
    path("creators/", views.CreatorListView.as_view(), name="api-creator-list"),
    path("creators/<str:handle>/", views.CreatorDetailView.as_view(), name="api-creator-detail"),
    path("notifications/", views.NotificationListView.as_view(), name="api-notification-list"),
    path("notifications/unread-count/", views.NotificationUnreadCountView.as_view(), name="api-notification-unread"),
    path("notifications/read-all/", views.NotificationReadAllView.as_view(), name="api-notification-read-all"),
    path("notifications/preferences/", views.NotificationPreferencesView.as_view(),
         name="api-notification-preferences"),
    path("notifications/<int:notification_id>/read/", views.NotificationReadView.as_view(),
         name="api-notification-read"),
]

from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from fansub.accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True), name="favicon"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/profile/", views.profile_edit, name="profile-edit"),
    path("account/profile/image/", views.profile_image, name="profile-image"),
    path("creators/<str:handle>/<str:which>.jpg", views.creator_image, name="creator-image"),
    path("account/password-reset/", auth_views.PasswordResetView.as_view(
        template_name="accounts/password_reset.html", email_template_name="accounts/email/password_reset.txt",
        subject_template_name="accounts/email/password_reset_subject.txt"), name="password_reset"),
    path("account/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="accounts/password_reset_done.html"), name="password_reset_done"),
    path("account/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="accounts/password_reset_confirm.html"), name="password_reset_confirm"),
    path("account/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"), name="password_reset_complete"),
    path("creators/", views.creator_list, name="creator-list"),
    path("welcome/", views.welcome, name="welcome"),
    path("account/creator-setup/", views.creator_onboarding, name="creator-onboarding"),
    path("account/password/", views.password_change, name="password-change"),
    path("account/email/", views.email_change, name="email-change"),
    path("account/email/confirm/<str:token>/", views.email_change_confirm, name="email-change-confirm"),
    path("account/notifications/", views.notification_centre, name="notifications"),
    path("account/notifications/read-all/", views.notifications_read_all, name="notifications-read-all"),
    path("account/notifications/<int:notification_id>/open/", views.notification_open, name="notification-open"),
    path("account/notifications/settings/", views.notification_settings, name="notification-settings"),
]

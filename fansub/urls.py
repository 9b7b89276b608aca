from django.contrib.auth import views as auth_views
from django.urls import path

from fansub import (
    views,
    views_commerce,
    views_messages,
    views_posts,
    views_requests,
    views_studio,
    views_subscriptions,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/profile/", views.profile_edit, name="profile-edit"),
    path("account/password-reset/", auth_views.PasswordResetView.as_view(
        template_name="fansub/password_reset.html", email_template_name="fansub/email/password_reset.txt",
        subject_template_name="fansub/email/password_reset_subject.txt"), name="password_reset"),
    path("account/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        template_name="fansub/password_reset_done.html"), name="password_reset_done"),
    path("account/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="fansub/password_reset_confirm.html"), name="password_reset_confirm"),
    path("account/reset/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="fansub/password_reset_complete.html"), name="password_reset_complete"),
    path("creators/", views.creator_list, name="creator-list"),
    path("c/<str:handle>/", views_posts.creator_detail, name="creator-detail"),
    path("c/<str:handle>/follow/", views_posts.follow_toggle, name="creator-follow"),
    path("feed/", views_posts.feed, name="feed"),
    path("studio/earnings/", views_studio.earnings, name="studio-earnings"),
    path("studio/vault/fan/<str:handle>/", views_studio.vault_for_fan, name="studio-vault-fan"),
    path("c/<str:handle>/request/", views_requests.new_request, name="request-new"),
    path("requests/", views_requests.request_list, name="request-list"),
    path("requests/<int:request_id>/", views_requests.request_detail, name="request-detail"),
    path("requests/<int:request_id>/action/", views_requests.request_action, name="request-action"),
    path("studio/request-settings/", views_requests.request_settings, name="request-settings"),
    path("c/<str:handle>/tip/", views_commerce.tip, name="tip"),
    path("p/<int:post_id>/unlock/", views_commerce.unlock_post, name="post-unlock"),
    path("messages/unlock/<int:message_id>/", views_commerce.unlock_message, name="message-unlock"),
    path("messages/", views_messages.inbox, name="inbox"),
    path("messages/<int:thread_id>/", views_messages.thread, name="thread"),
    path("messages/new/<str:handle>/", views_messages.compose, name="compose"),
    path("studio/mass-message/", views_messages.mass_compose, name="mass-compose"),
    path("c/<str:handle>/subscribe/<int:tier_id>/", views_subscriptions.subscribe, name="subscribe"),
    path("account/subscriptions/", views_subscriptions.my_subscriptions, name="my-subscriptions"),
    path("account/subscriptions/<int:subscription_id>/", views_subscriptions.subscription_action,
         name="subscription-action"),
    path("studio/subscribers/", views_subscriptions.my_subscribers, name="studio-subscribers"),
    path("p/<int:post_id>/", views_posts.post_detail, name="post-detail"),
    path("p/<int:post_id>/like/", views_posts.post_like, name="post-like"),
    path("p/<int:post_id>/comment/", views_posts.post_comment, name="post-comment"),
    path("studio/compose/", views_posts.studio_compose, name="studio-compose"),
    path("studio/tiers/", views_posts.studio_tiers, name="studio-tiers"),
]

from fansub import verification_views  # noqa: E402

urlpatterns += [
    path("verify/age/", verification_views.verify_age, name="verify-age"),
    path("verify/age/simulator/<str:reference>/", verification_views.age_simulator, name="age-simulator"),
    path("verify/identity/", verification_views.verify_identity, name="verify-identity"),
]

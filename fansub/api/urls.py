from django.urls import path

from fansub.api import views

urlpatterns = [
    path("auth/signup/", views.SignupView.as_view(), name="api-signup"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("me/profile/", views.MyProfileView.as_view(), name="api-my-profile"),
    path("creators/", views.CreatorListView.as_view(), name="api-creator-list"),
    path("creators/<str:handle>/", views.CreatorDetailView.as_view(), name="api-creator-detail"),
]

from fansub.api import post_views as pv  # noqa: E402

urlpatterns += [
    path("feed/", pv.FeedView.as_view(), name="api-feed"),
    path("creators/<str:handle>/posts/", pv.CreatorPostsView.as_view(), name="api-creator-posts"),
    path("creators/<str:handle>/tiers/", pv.CreatorTiersView.as_view(), name="api-creator-tiers"),
    path("creators/<str:handle>/follow/", pv.FollowView.as_view(), name="api-follow"),
    path("users/<str:handle>/block/", pv.BlockView.as_view(), name="api-block"),
    path("posts/", pv.PostListCreateView.as_view(), name="api-posts"),
    path("posts/<int:post_id>/", pv.PostDetailView.as_view(), name="api-post-detail"),
    path("posts/<int:post_id>/publish/", pv.PostPublishView.as_view(), name="api-post-publish"),
    path("posts/<int:post_id>/pin/", pv.PostPinView.as_view(), name="api-post-pin"),
    path("posts/<int:post_id>/like/", pv.PostLikeView.as_view(), name="api-post-like"),
    path("posts/<int:post_id>/comments/", pv.PostCommentsView.as_view(), name="api-post-comments"),
    path("posts/<int:post_id>/performers/", pv.PostPerformersView.as_view(), name="api-post-performers"),
    path("staff/guest-releases/<int:release_id>/decision/", pv.GuestReleaseDecisionView.as_view(),
         name="api-guest-release-decision"),
    path("me/tiers/", pv.MyTiersView.as_view(), name="api-my-tiers"),
    path("me/tiers/<int:tier_id>/archive/", pv.MyTierArchiveView.as_view(), name="api-my-tier-archive"),
    path("me/tiers/<int:tier_id>/bundles/", pv.MyTierBundlesView.as_view(), name="api-my-tier-bundles"),
]

from fansub.api import subscription_views as sv  # noqa: E402

urlpatterns += [
    path("subscriptions/", sv.SubscriptionsView.as_view(), name="api-subscriptions"),
    path("subscriptions/quote/", sv.QuoteView.as_view(), name="api-subscription-quote"),
    path("subscriptions/<int:subscription_id>/cancel/", sv.CancelView.as_view(), name="api-subscription-cancel"),
    path("subscriptions/<int:subscription_id>/resume/", sv.ResumeView.as_view(), name="api-subscription-resume"),
    path("subscriptions/<int:subscription_id>/change-tier/", sv.ChangeTierView.as_view(),
         name="api-subscription-change-tier"),
    path("subscriptions/<int:subscription_id>/payment-method/", sv.PaymentMethodView.as_view(),
         name="api-subscription-payment-method"),
    path("trials/<str:code>/claim/", sv.TrialClaimView.as_view(), name="api-trial-claim"),
    path("me/subscribers/", sv.SubscribersView.as_view(), name="api-my-subscribers"),
    path("me/trial-links/", sv.TrialLinksView.as_view(), name="api-my-trial-links"),
    path("me/promotions/", sv.PromotionsView.as_view(), name="api-my-promotions"),
]

from fansub.api import message_views as mv  # noqa: E402

urlpatterns += [
    path("threads/", mv.ThreadsView.as_view(), name="api-threads"),
    path("threads/<int:thread_id>/messages/", mv.ThreadMessagesView.as_view(), name="api-thread-messages"),
    path("threads/<int:thread_id>/read/", mv.ThreadReadView.as_view(), name="api-thread-read"),
    path("users/<str:handle>/messages/", mv.StartThreadView.as_view(), name="api-start-thread"),
    path("me/mass-messages/", mv.MassMessagesView.as_view(), name="api-mass-messages"),
    path("me/message-policy/", mv.MessagePolicyView.as_view(), name="api-message-policy"),
]

from fansub.api import request_views as rv  # noqa: E402

urlpatterns += [
    path("requests/", rv.RequestsView.as_view(), name="api-requests"),
    path("requests/<int:request_id>/", rv.RequestDetailView.as_view(), name="api-request-detail"),
    path("me/request-settings/", rv.RequestSettingsView.as_view(), name="api-request-settings"),
    path("creators/<str:handle>/request-terms/", rv.CreatorRequestTermsView.as_view(), name="api-request-terms"),
]

from fansub.api import commerce_views as cv  # noqa: E402

urlpatterns += [
    path("tips/", cv.TipsView.as_view(), name="api-tips"),
    path("posts/<int:post_id>/unlock/", cv.PostUnlockView.as_view(), name="api-post-unlock"),
    path("messages/<int:message_id>/unlock/", cv.MessageUnlockView.as_view(), name="api-message-unlock"),
    path("messages/<int:message_id>/unsend/", cv.UnsendView.as_view(), name="api-message-unsend"),
    path("threads/<int:thread_id>/paid-messages/", cv.PaidMessageView.as_view(), name="api-paid-message"),
    path("me/vault/fans/<str:handle>/", cv.VaultStatusView.as_view(), name="api-vault-fan-status"),
]

from fansub.api import verification_views as vv  # noqa: E402

urlpatterns += [
    path("verifications/", vv.VerificationStatusView.as_view(), name="api-verifications"),
    path("verifications/age/", vv.AgeCheckStartView.as_view(), name="api-age-check-start"),
    path("verifications/age/webhooks/<str:provider>/", vv.AgeWebhookView.as_view(), name="api-age-webhook"),
    path("verifications/identity/", vv.IdentityVerificationView.as_view(), name="api-identity-verification"),
]

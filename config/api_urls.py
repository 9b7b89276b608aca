from django.urls import include, path

urlpatterns = [
    path("", include("fansub.accounts.api.urls")),
    path("", include("fansub.posts.api.urls")),
    path("", include("fansub.subscriptions.api.urls")),
    path("", include("fansub.messaging.api.urls")),
    path("", include("fansub.custom_requests.api.urls")),
    path("", include("fansub.purchases.api.urls")),
    path("", include("fansub.verification.api.urls")),
    path("", include("payments.api.urls")),
    path("media/", include("fansub.media.api.urls")),
    path("", include("moderation.api.urls")),
    path("", include("governance.api.urls")),
]

"""The product's web pages: each app owns its own urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("fansub.accounts.urls")),
    path("", include("fansub.verification.urls")),
    path("", include("fansub.posts.urls")),
    path("", include("fansub.subscriptions.urls")),
    path("", include("fansub.purchases.urls")),
    path("", include("fansub.messaging.urls")),
    path("", include("fansub.custom_requests.urls")),
    path("", include("fansub.studio.urls")),
]

"""The product's web pages: each app owns its own urls.py."""

from django.urls import include, path

urlpatterns = [
    # The fan pages first: every pattern before a match is tried on each request, and these are the busiest.
    path("", include("fansub.posts.urls")),
    path("", include("fansub.accounts.urls")),
    path("", include("fansub.verification.urls")),
    path("", include("fansub.subscriptions.urls")),
    path("", include("fansub.purchases.urls")),
    path("", include("fansub.messaging.urls")),
    path("", include("fansub.custom_requests.urls")),
    path("", include("fansub.studio.urls")),
]

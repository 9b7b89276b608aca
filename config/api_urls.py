from django.urls import include, path

urlpatterns = [
    path("", include("fansub.api.urls")),
    path("", include("payments.api.urls")),
    path("media/", include("fansub.media.api.urls")),
]

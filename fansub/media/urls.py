from django.urls import path

from fansub.media import views

urlpatterns = [
    path("", views.library, name="media-library"),
    path("upload/", views.upload_page, name="media-upload"),
    path("p/<uuid:public_id>/<str:kind>/", views.preview, name="media-preview"),
    path("s/<str:token>/", views.signed, name="media-signed"),
    path("s/<str:token>/index.m3u8", views.stream_playlist, name="media-stream"),
    path("hls/<str:token>/", views.stream_segment, name="media-stream-segment"),
    path("<uuid:public_id>/", views.detail, name="media-detail"),
    path("<uuid:public_id>/delete/", views.delete, name="media-delete"),
]

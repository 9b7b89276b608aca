from django.urls import path

from fansub.media.api import views

urlpatterns = [
    path("", views.MediaListView.as_view(), name="api-media-list"),
    path("uploads/", views.DirectUploadStartView.as_view(), name="api-media-direct-start"),
    path("uploads/<uuid:ticket>/complete/", views.DirectUploadCompleteView.as_view(),
         name="api-media-direct-complete"),
    path("<uuid:public_id>/", views.MediaDetailView.as_view(), name="api-media-detail"),
]

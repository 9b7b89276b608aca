from django.urls import path

from fansub.posts import views

urlpatterns = [
    path("c/<str:handle>/", views.creator_detail, name="creator-detail"),
    path("c/<str:handle>/follow/", views.follow_toggle, name="creator-follow"),
    path("feed/", views.feed, name="feed"),
    path("p/<int:post_id>/", views.post_detail, name="post-detail"),
    path("p/<int:post_id>/like/", views.post_like, name="post-like"),
    path("p/<int:post_id>/comment/", views.post_comment, name="post-comment"),
    path("studio/tiers/", views.studio_tiers, name="studio-tiers"),
]

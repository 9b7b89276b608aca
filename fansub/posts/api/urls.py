from django.urls import path

from fansub.posts.api import views

urlpatterns = [
    path("feed/", views.FeedView.as_view(), name="api-feed"),
    path("creators/<str:handle>/posts/", views.CreatorPostsView.as_view(), name="api-creator-posts"),
    path("creators/<str:handle>/tiers/", views.CreatorTiersView.as_view(), name="api-creator-tiers"),
    path("creators/<str:handle>/follow/", views.FollowView.as_view(), name="api-follow"),
    path("users/<str:handle>/block/", views.BlockView.as_view(), name="api-block"),
    path("posts/", views.PostListCreateView.as_view(), name="api-posts"),
    path("posts/<int:post_id>/", views.PostDetailView.as_view(), name="api-post-detail"),
    path("posts/<int:post_id>/publish/", views.PostPublishView.as_view(), name="api-post-publish"),
    path("posts/<int:post_id>/pin/", views.PostPinView.as_view(), name="api-post-pin"),
    path("posts/<int:post_id>/like/", views.PostLikeView.as_view(), name="api-post-like"),
    path("posts/<int:post_id>/comments/", views.PostCommentsView.as_view(), name="api-post-comments"),
    path("posts/<int:post_id>/performers/", views.PostPerformersView.as_view(), name="api-post-performers"),
    path("staff/guest-releases/<int:release_id>/decision/", views.GuestReleaseDecisionView.as_view(),
         name="api-guest-release-decision"),
    path("me/tiers/", views.MyTiersView.as_view(), name="api-my-tiers"),
    path("me/tiers/<int:tier_id>/archive/", views.MyTierArchiveView.as_view(), name="api-my-tier-archive"),
    path("me/tiers/<int:tier_id>/bundles/", views.MyTierBundlesView.as_view(), name="api-my-tier-bundles"),
]

from django.urls import path

from fansub.purchases import views

urlpatterns = [
    path("c/<str:handle>/tip/", views.tip, name="tip"),
    path("p/<int:post_id>/unlock/", views.unlock_post, name="post-unlock"),
    path("messages/unlock/<int:message_id>/", views.unlock_message, name="message-unlock"),
    path("library/", views.library, name="library"),
]

from django.urls import path

from fansub.messaging.api import views

urlpatterns = [
    path("threads/", views.ThreadsView.as_view(), name="api-threads"),
    path("threads/<int:thread_id>/messages/", views.ThreadMessagesView.as_view(), name="api-thread-messages"),
    path("threads/<int:thread_id>/read/", views.ThreadReadView.as_view(), name="api-thread-read"),
    path("users/<str:handle>/messages/", views.StartThreadView.as_view(), name="api-start-thread"),
    path("me/mass-messages/", views.MassMessagesView.as_view(), name="api-mass-messages"),
    path("me/message-policy/", views.MessagePolicyView.as_view(), name="api-message-policy"),
]

from django.urls import path

from fansub.messaging import views

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/<int:thread_id>/", views.thread, name="thread"),
    path("messages/new/<str:handle>/", views.compose, name="compose"),
    path("studio/mass-message/", views.mass_compose, name="mass-compose"),
]

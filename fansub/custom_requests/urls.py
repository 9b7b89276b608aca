from django.urls import path

from fansub.custom_requests import views

urlpatterns = [
    path("c/<str:handle>/request/", views.new_request, name="request-new"),
    path("requests/", views.request_list, name="request-list"),
    path("requests/<int:request_id>/", views.request_detail, name="request-detail"),
    path("requests/<int:request_id>/action/", views.request_action, name="request-action"),
    path("studio/request-settings/", views.request_settings, name="request-settings"),
]

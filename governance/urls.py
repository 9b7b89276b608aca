from django.urls import path

from governance import views

urlpatterns = [
    path("account/2fa/", views.two_factor_setup, name="two-factor-setup"),
]

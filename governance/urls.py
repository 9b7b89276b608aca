from django.urls import path

from governance import views

urlpatterns = [
    path("account/2fa/", views.two_factor_setup, name="two-factor-setup"),
    path("account/privacy/", views.privacy_page, name="privacy"),
    path("account/privacy/export/<str:token>/", views.export_download, name="privacy-export-download"),
]

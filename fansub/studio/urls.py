from django.urls import path

from fansub.studio import views

urlpatterns = [
    path("studio/earnings/", views.earnings, name="studio-earnings"),
    path("studio/vault/fan/<str:handle>/", views.vault_for_fan, name="studio-vault-fan"),
]

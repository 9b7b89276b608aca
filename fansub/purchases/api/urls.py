from django.urls import path

from fansub.purchases.api import views

urlpatterns = [
    path("tips/", views.TipsView.as_view(), name="api-tips"),
    path("posts/<int:post_id>/unlock/", views.PostUnlockView.as_view(), name="api-post-unlock"),
    path("messages/<int:message_id>/unlock/", views.MessageUnlockView.as_view(), name="api-message-unlock"),
    path("messages/<int:message_id>/unsend/", views.UnsendView.as_view(), name="api-message-unsend"),
    path("threads/<int:thread_id>/paid-messages/", views.PaidMessageView.as_view(), name="api-paid-message"),
    path("me/vault/fans/<str:handle>/", views.VaultStatusView.as_view(), name="api-vault-fan-status"),
]

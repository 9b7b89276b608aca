from django.urls import path

from fansub.studio import money_views, views

urlpatterns = [
    path("studio/earnings/", views.earnings, name="studio-earnings"),
    path("studio/vault/fan/<str:handle>/", views.vault_for_fan, name="studio-vault-fan"),
    path("studio/money/", views.money, name="studio-money"),
    path("studio/money/statements/<int:statement_id>.csv", views.statement_csv, name="studio-statement-csv"),
    path("studio/money/payout-account/", views.payout_onboarding, name="studio-payout-onboarding"),
    path("studio/money/statements/<int:statement_id>/", money_views.statement_page, name="studio-statement"),
    path("studio/money/refunds/", money_views.refunds_page, name="studio-refunds"),
    path("studio/money/statements/<int:statement_id>.pdf", money_views.statement_pdf, name="studio-statement-pdf"),
]

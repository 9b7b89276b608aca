from django.urls import path

from fansub.studio import money_views, views

urlpatterns = [
    path("studio/", views.dashboard, name="studio-dashboard"),
    path("studio/earnings/", views.dashboard, name="studio-earnings"),  # the old tips page, folded in
    path("studio/export/<slug:table>.csv", views.dashboard_csv, name="studio-csv"),
    path("studio/compose/", views.compose, name="studio-compose"),
    path("studio/posts/", views.post_list, name="studio-posts"),
    path("studio/posts/<int:post_id>/", views.post_page, name="studio-post"),
    path("studio/vault/", views.vault_page, name="studio-vault"),
    path("studio/offers/", views.offers, name="studio-offers"),
    path("studio/priced-message/", views.priced_message, name="studio-priced-message"),
    path("studio/settings/", views.settings_page, name="studio-settings"),
    path("studio/vault/fan/<str:handle>/", views.vault_for_fan, name="studio-vault-fan"),
    path("studio/money/", views.money, name="studio-money"),
    path("studio/money/statements/<int:statement_id>.csv", views.statement_csv, name="studio-statement-csv"),
    path("studio/money/payout-account/", views.payout_onboarding, name="studio-payout-onboarding"),
    path("studio/money/statements/<int:statement_id>/", money_views.statement_page, name="studio-statement"),
    path("studio/money/refunds/", money_views.refunds_page, name="studio-refunds"),
    path("studio/money/statements/<int:statement_id>.pdf", money_views.statement_pdf, name="studio-statement-pdf"),
]

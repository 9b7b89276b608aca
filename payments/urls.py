from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("webhooks/<str:provider>/", views.webhook, name="webhook"),
    path("purchases/", views.purchase_history, name="purchases"),
    path("cards/", views.saved_cards, name="saved-cards"),
    path("purchases/<uuid:public_id>/refund/", views.refund_request_page, name="refund-request"),
    path("receipts/<uuid:public_id>/", views.receipt_page, name="receipt"),
    path("receipts/<uuid:public_id>/pdf/", views.receipt_pdf, name="receipt-pdf"),
    path("simulator/3ds/<str:token>/", views.simulator_3ds, name="simulator-3ds"),
]

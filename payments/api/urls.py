from django.urls import path

from payments.api import views

urlpatterns = [
    path("payments/<uuid:public_id>/refunds/", views.PaymentRefundView.as_view(), name="payment-refund"),
]

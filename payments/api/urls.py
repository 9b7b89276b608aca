from django.urls import path

from payments.api import views

urlpatterns = [
    path("payments/<uuid:public_id>/refunds/", views.PaymentRefundView.as_view(), name="payment-refund"),
    path("payments/<uuid:public_id>/refund-requests/", views.PaymentRefundRequestView.as_view(),
         name="payment-refund-request"),
    path("refund-requests/<uuid:public_id>/decision/", views.RefundRequestDecisionView.as_view(),
         name="refund-request-decision"),
]

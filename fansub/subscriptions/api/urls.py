from django.urls import path

from fansub.subscriptions.api import views

urlpatterns = [
    path("subscriptions/", views.SubscriptionsView.as_view(), name="api-subscriptions"),
    path("subscriptions/quote/", views.QuoteView.as_view(), name="api-subscription-quote"),
    path("subscriptions/<int:subscription_id>/cancel/", views.CancelView.as_view(), name="api-subscription-cancel"),
    path("subscriptions/<int:subscription_id>/resume/", views.ResumeView.as_view(), name="api-subscription-resume"),
    path("subscriptions/<int:subscription_id>/accept-price/", views.AcceptPriceView.as_view(),
         name="api-subscription-accept-price"),
    path("subscriptions/<int:subscription_id>/change-tier/", views.ChangeTierView.as_view(),
         name="api-subscription-change-tier"),
    path("subscriptions/<int:subscription_id>/payment-method/", views.PaymentMethodView.as_view(),
         name="api-subscription-payment-method"),
    path("trials/<str:code>/claim/", views.TrialClaimView.as_view(), name="api-trial-claim"),
    path("me/subscribers/", views.SubscribersView.as_view(), name="api-my-subscribers"),
    path("me/trial-links/", views.TrialLinksView.as_view(), name="api-my-trial-links"),
    path("me/promotions/", views.PromotionsView.as_view(), name="api-my-promotions"),
]

from django.urls import path

from fansub.subscriptions import views

urlpatterns = [
    path("c/<str:handle>/subscribe/<int:tier_id>/", views.subscribe, name="subscribe"),
    path("account/subscriptions/", views.my_subscriptions, name="my-subscriptions"),
    path("trial/<slug:code>/", views.trial_link, name="trial-link"),
    path("account/subscriptions/<int:subscription_id>/", views.subscription_action,
         name="subscription-action"),
    path("studio/subscribers/", views.my_subscribers, name="studio-subscribers"),
]

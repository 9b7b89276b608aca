from django.urls import path

from fansub.verification import views

urlpatterns = [
    path("verify/age/", views.verify_age, name="verify-age"),
    path("verify/age/simulator/<str:reference>/", views.age_simulator, name="age-simulator"),
    path("verify/identity/", views.verify_identity, name="verify-identity"),
]

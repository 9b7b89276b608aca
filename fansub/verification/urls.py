from django.urls import path

from fansub.verification import views

urlpatterns = [
    path("verify/age/", views.verify_age, name="verify-age"),
    path("verify/age/simulator/<str:reference>/", views.age_simulator, name="age-simulator"),
    path("verify/identity/", views.verify_identity, name="verify-identity"),
    path("account/releases/", views.my_releases, name="my-releases"),
    path("account/releases/<int:release_id>/", views.release_detail, name="release-detail"),
]

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from fansub.accounts.forms import StaffAdminLoginForm
from governance.admin_site import enforce_admin_2fa

enforce_admin_2fa(admin.site, login_form=StaffAdminLoginForm)

urlpatterns = [
    path("", include("fansub.urls")),  # first: the busiest pages resolve without trying the rest
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script from its own URL: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("config.api_urls")),
    path("payments/", include("payments.urls")),
    path("", include("moderation.urls")),
    path("media/", include("fansub.media.urls")),
    path("", include("governance.urls")),
    path("", include("telemetry.urls")),
    path("", include("moderation.urls")),
]

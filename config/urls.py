from django.urls import include, path

from partnership.api.docs import ApiDocsView, ApiSchemaView
from partnership.views import home

urlpatterns = [
    # The trivial view: the container health check, and the benchmarks' baseline.
    path("health/", home.health, name="health"),
    path("", home.home, name="home"),
    path("account/", include("partnership.urls_account")),
    path("p/<slug:slug>/", include("partnership.urls")),
    path("p/<slug:slug>/", include("reviews.urls")),
    path("p/<slug:slug>/", include("audits.urls")),
    path("p/<slug:slug>/", include("learninghub.urls")),
    # Hub cycles a person observes in other partnerships: opened by a grant in force, not by a membership.
    path("account/observing/", include("learninghub.urls_account")),
    path("p/<slug:slug>/", include("scrutiny.urls")),
    # The learning hub survey's public link: no account, no partnership in the URL (learninghub/urls_public.py).
    path("", include("learninghub.urls_public")),
    # Before the kernel's API: its URLconf ends in a catch-all JSON 404.
    path("api/v1/", include("reviews.api.urls")),
    path("api/v1/", include("audits.api.urls")),
    path("api/v1/", include("learninghub.api.urls")),
    path("api/v1/", include("scrutiny.api.urls")),
    path("api/v1/", include("partnership.api.urls")),
    path("api/schema/", ApiSchemaView.as_view(), name="api_schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api_schema"), name="api_docs"),
]

handler400 = "partnership.views.errors.bad_request"
handler403 = "partnership.views.errors.permission_denied"
handler404 = "partnership.views.errors.page_not_found"
handler500 = "partnership.views.errors.server_error"

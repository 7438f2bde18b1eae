from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from projects.languages import set_language

# JSON under /api/, the portal's pages elsewhere.
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"

urlpatterns = [
    path("", include("projects.urls")),
    path("reports/", include("reports.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("api/", include("api.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The language menu remembers a signed-in user's choice (before Django's own i18n URLs).
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# MEDIA_ROOT holds the generated PDFs, monthly ones with unapproved texts: they are served
# only by the download views, which ask projects.permissions (never as files, not even in
# development).

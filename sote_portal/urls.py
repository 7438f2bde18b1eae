from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from projects import account_views, oidc, two_factor_views
from projects.languages import set_language
from workspace.views.invitations import invitation_accept

# JSON under /api/, the portal's pages elsewhere.
handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"

urlpatterns = [
    path("", include("projects.urls")),
    path("reports/", include("reports.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("", include("workspace.urls")),
    path("api/", include("api.urls")),
    path("accounts/login/", oidc.LoginView.as_view(), name="login"),
    path("accounts/oidc/authenticate/", oidc.StartView.as_view(), name="oidc_authentication_init"),
    path("accounts/oidc/callback/", oidc.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", two_factor_views.account, name="account"),
    path("accounts/invitation/<str:token>/", invitation_accept, name="invitation_accept"),
    path("accounts/two-factor/", two_factor_views.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("accounts/two-factor/remove/", two_factor_views.remove, name="two_factor_remove"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(),
         name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("accounts/password_reset/", account_views.PasswordResetView.as_view(),
         name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", account_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    # The language menu remembers a signed-in user's choice (before Django's own i18n URLs).
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# MEDIA_ROOT holds the generated PDFs, monthly ones with unapproved texts: they are served
# only by the download views, which ask projects.permissions (never as files, not even in
# development).

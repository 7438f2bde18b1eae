from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api import services
from api.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Create a client (its token is shown once, on the page after saving), change its scope,
    revoke it, or give it a new token."""

    list_display = ["name", "token_prefix", "all_projects", "rate", "created_at", "last_used_at",
                    "revoked_at"]
    list_filter = ["all_projects", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "token_prefix"]
    filter_horizontal = ["regions", "projects"]
    readonly_fields = ["token_prefix", "created_at", "created_by", "last_used_at", "revoked_at"]
    fields = ["name", "all_projects", "regions", "projects", "rate", *readonly_fields]
    actions = ["revoke", "new_token"]

    def save_model(self, request, obj, form, change):
        if not change:
            token = services.new_token()
            obj.token_prefix = token[: len(services.TOKEN_PREFIX) + 4]
            obj.token_hash = services.hash_token(token)
            obj.created_by = request.user
            request._api_token = token
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "_api_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        return self._token_page(request, obj, token)

    def _token_page(self, request, client, token):
        # Rendered directly (no redirect, no message cookie) so the token is never stored.
        context = {**self.admin_site.each_context(request), "client": client, "token": token,
                   "opts": self.model._meta, "title": _("Token of %(name)s") % {
                       "name": client.name}}
        response = TemplateResponse(request, "api/admin/token_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected clients' tokens"))
    def revoke(self, request, queryset):
        count = 0
        for client in queryset.filter(revoked_at__isnull=True):
            services.api_client_revoke(client=client)
            count += 1
        self.message_user(request, ngettext(
            "%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS)

    @admin.action(description=_("Give the selected client a new token"))
    def new_token(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one client."), messages.ERROR)
            return None
        client = queryset.get()
        if client.revoked_at is not None:
            self.message_user(request, _("A revoked client cannot get a new token."),
                              messages.ERROR)
            return None
        return self._token_page(request, client, services.api_client_assign_token(client=client))

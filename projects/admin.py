from django.contrib import admin

from projects.models import (
    BenefitGoal,
    Membership,
    Municipality,
    Organisation,
    Person,
    Phase,
    Programme,
    Project,
    Region,
    UserProfile,
)


class KeptWithHistory:
    """An admin whose rows with history are never deleted: a row has history when its
    `history_relation` (e.g. a metric's values, a subproject's reports) has rows; deleting is
    one row at a time (the bulk action would not ask)."""

    history_relation: str

    def has_history(self, obj) -> bool:
        return getattr(obj, self.history_relation).exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and self.has_history(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class BenefitGoalInline(admin.TabularInline):
    model = BenefitGoal
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [BenefitGoalInline]


@admin.register(BenefitGoal)
class BenefitGoalAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "programme"]
    list_filter = ["programme"]
    search_fields = ["code", "name"]


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_sv", "wellbeing_county", "population", "sotkanet_region_id"]
    search_fields = ["code", "name", "name_sv"]
    inlines = [MunicipalityInline]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "name_sv", "region"]
    list_filter = ["region"]
    search_fields = ["name", "name_sv"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "key", "kind", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "short_name", "key"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "email", "user"]
    list_filter = ["organisation"]
    search_fields = ["name", "email", "user__username"]
    autocomplete_fields = ["organisation", "user"]


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["person"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "administrator"]
    list_filter = ["region", "programme"]
    search_fields = ["code", "name"]
    filter_horizontal = ["co_implementers"]
    inlines = [PhaseInline, MembershipInline]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["project", "name", "start_date", "end_date", "state_grant", "staff_count"]
    list_filter = ["project"]
    search_fields = ["name", "project__code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "project", "role", "title"]
    list_filter = ["role", "project"]
    search_fields = ["person__name", "title", "project__code"]
    autocomplete_fields = ["person"]


@admin.register(UserProfile)
class UserProfileAdmin(admin.ModelAdmin):
    """The language each person chose in the language menu (e-mails are written in it)."""

    list_display = ("user", "language")
    list_filter = ("language",)
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user",)

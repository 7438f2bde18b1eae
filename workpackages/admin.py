from django.contrib import admin

from projects.admin import KeptWithHistory
from workpackages.models import (
    Activity,
    ActualCost,
    BudgetLine,
    Goal,
    Output,
    Risk,
    RiskReview,
    Subproject,
    WorkPackage,
)


class SubprojectInline(admin.TabularInline):
    # Deleted one at a time on the subproject's own page, which refuses one with reports
    # (SubprojectAdmin); here a checkbox would delete its approved reports with it.
    can_delete = False
    model = Subproject
    extra = 0
    fields = ["code", "name", "organisation", "start_month", "end_month", "starts_later",
              "carried_over"]
    show_change_link = True


class OutputInline(admin.TabularInline):
    model = Output
    extra = 0
    fields = ["name", "kind", "url"]


@admin.register(WorkPackage)
class WorkPackageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "project", "kind"]
    list_filter = ["project", "kind", "benefit_goals"]
    search_fields = ["code", "name", "description"]
    filter_horizontal = ["benefit_goals", "lead_organisations", "lead_people"]
    inlines = [SubprojectInline, OutputInline]


class GoalInline(admin.TabularInline):
    model = Goal
    fk_name = "parent"
    extra = 0
    fields = ["code", "name", "level", "benefit_goal"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["code", "short_name", "level", "project", "benefit_goal"]
    list_filter = ["project", "level", "benefit_goal"]
    search_fields = ["code", "name"]
    inlines = [GoalInline]

    @admin.display(description="name")
    def short_name(self, goal):
        return goal.name[:100]


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class ActualCostInline(admin.TabularInline):
    model = ActualCost
    extra = 0


@admin.register(Subproject)
class SubprojectAdmin(KeptWithHistory, admin.ModelAdmin):
    list_display = ["code", "name", "work_package", "project", "organisation", "start_month",
                    "end_month", "starts_later", "carried_over"]
    list_filter = ["project", "starts_later", "carried_over", "organisation"]
    search_fields = ["code", "name", "objective"]
    filter_horizontal = ["goals", "responsible_people", "reporting_coordinators"]
    list_select_related = ["work_package", "project", "organisation"]
    inlines = [ActivityInline, BudgetLineInline, ActualCostInline]

    def get_readonly_fields(self, request, obj=None):
        """Once a subproject has reports, it stays in its project: its reports and its metrics'
        values belong to that project."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.has_history(obj):
            fields += ["project"]
        return fields

    history_relation = "reports"  # a subproject with reports is closed, not deleted


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name", "subproject", "start_month", "end_month"]
    list_filter = ["subproject__project"]
    search_fields = ["name", "subproject__name"]


@admin.register(Output)
class OutputAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "work_package"]
    list_filter = ["kind", "work_package__project"]
    search_fields = ["name", "description"]


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["subproject", "year", "category", "amount"]
    list_filter = ["year", "category", "subproject__project"]
    search_fields = ["subproject__code", "subproject__name"]


@admin.register(ActualCost)
class ActualCostAdmin(admin.ModelAdmin):
    list_display = ["subproject", "period", "category", "amount"]
    list_filter = ["category", "subproject__project"]
    search_fields = ["subproject__code", "subproject__name"]
    date_hierarchy = "period"


class RiskReviewInline(admin.TabularInline):
    model = RiskReview
    extra = 0


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ["category", "short_description", "severity", "probability", "project",
                    "reviewed_on"]
    list_filter = ["project", "category", "severity"]
    search_fields = ["description", "mitigation"]
    inlines = [RiskReviewInline]

    @admin.display(description="description")
    def short_description(self, risk):
        return risk.description[:100]


@admin.register(RiskReview)
class RiskReviewAdmin(admin.ModelAdmin):
    list_display = ["risk", "reviewed_on", "severity", "probability"]
    list_filter = ["risk__project"]

from django.urls import path

from workspace.views import budget, evaluation, hub, metrics, plan, plan_excel, risks

app_name = "workspace"

# Every page under projects/<pk>/manage/; each area's module lists its own pages.
urlpatterns = [
    path("projects/<int:pk>/manage/", hub.hub, name="hub"),
    *plan.urlpatterns, *metrics.urlpatterns, *budget.urlpatterns, *risks.urlpatterns,
    *evaluation.urlpatterns, *plan_excel.urlpatterns,
]

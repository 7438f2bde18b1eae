from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.national, name="national"),
    path("projects/<int:project_id>/", views.project, name="project"),
    path("workpackages/<int:work_package_id>/", views.work_package, name="work_package"),
    path("subprojects/<int:subproject_id>/", views.subproject, name="subproject"),
]

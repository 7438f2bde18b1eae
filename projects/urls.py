from django.urls import path

from projects import views

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:pk>/audit/", views.project_audit, name="project-audit"),
]

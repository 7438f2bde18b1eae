from django.urls import path

from projects import views

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:pk>/audit/", views.project_audit, name="project-audit"),
    path("projects/<int:pk>/people/", views.project_people, name="project-people"),
    path("projects/<int:pk>/people/<int:person_pk>/", views.person_roles, name="person-roles"),
]

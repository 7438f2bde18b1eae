"""Workspace pages: plan."""

urlpatterns = []

"""Workspace pages: budget."""

urlpatterns = []

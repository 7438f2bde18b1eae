"""Workspace pages: metrics."""

urlpatterns = []

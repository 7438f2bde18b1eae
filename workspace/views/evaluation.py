"""Workspace pages: evaluation."""

urlpatterns = []

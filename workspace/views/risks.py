"""Workspace pages: risks."""

urlpatterns = []

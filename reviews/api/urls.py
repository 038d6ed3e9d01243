"""API under /api/v1/partnerships/<slug>/: incidents, rapid reviews, returns, decisions, learning reviews."""

from django.urls import path  # noqa: F401 (the endpoints add their routes here)

app_name = "reviews_api"

urlpatterns: list = []

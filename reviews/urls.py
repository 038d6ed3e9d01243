"""Pages under /p/<slug>/: serious incidents, rapid reviews, learning reviews."""

from django.urls import path  # noqa: F401 (the pages add their routes here)

app_name = "reviews"

urlpatterns: list = []

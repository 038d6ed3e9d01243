"""The observer's pages under /account/observing/, beside "Shared with you": the person's own, not under a
partnership, as an observer is not a member of the host."""

from django.urls import path

from learninghub.views import observing

app_name = "learninghub_observing"

urlpatterns: list = [
    path("", observing.observing_list, name="list"),
    path("<int:observation_id>/", observing.observed_cycle, name="cycle"),
]

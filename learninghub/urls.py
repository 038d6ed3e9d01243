"""Pages under /p/<slug>/learning-hub/: cycles, their phases and checklists."""

from django.urls import path

from learninghub.views import cycles as cycle_views

app_name = "learninghub"

_C = "learning-hub/<int:hub_cycle_id>/"
urlpatterns: list = [
    path("learning-hub/", cycle_views.cycle_list, name="cycle_list"),
    path("learning-hub/new/", cycle_views.cycle_create, name="cycle_create"),
    path(_C, cycle_views.cycle_detail, name="cycle_detail"),
    path(_C + "edit/", cycle_views.cycle_edit, name="cycle_edit"),
    path(_C + "close/", cycle_views.cycle_close, name="cycle_close"),
    path(_C + "phases/<int:hub_phase_id>/move/", cycle_views.phase_move, name="phase_move"),
    path("learning-hub/tasks/<int:hub_task_id>/tick/", cycle_views.task_tick, name="task_tick"),
    path(_C + "observers/new/", cycle_views.observer_invite, name="observer_invite"),
    path(_C + "observers/<int:hub_observer_id>/revoke/", cycle_views.observer_revoke, name="observer_revoke"),
]

"""Pages under /p/<slug>/learning-hub/: cycles, their phases and checklists."""

from django.urls import path

from learninghub.views import cycles as cycle_views
from learninghub.views import members as member_views

app_name = "learninghub"

_C = "learning-hub/<int:hub_cycle_id>/"
_N = _C + "members/<int:hub_nomination_id>/"
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
    path(_C + "members/", member_views.cycle_members, name="cycle_members"),
    path(_C + "members/nominate/", member_views.nomination_create, name="nomination_create"),
    path(_C + "members/submit/", member_views.membership_submit, name="membership_submit"),
    path(_N + "shortlist/", member_views.nomination_shortlist, name="nomination_shortlist"),
    path(_N + "decline/", member_views.nomination_decline, name="nomination_decline"),
    path(_N + "withdraw/", member_views.nomination_withdraw, name="nomination_withdraw"),
]

# The delivery plan of a cycle.
from learninghub.views import plans as plan_views  # noqa: E402

_PLAN = _C + "plan/"
urlpatterns += [
    path(_PLAN, plan_views.plan_detail, name="plan_detail"),
    path(_PLAN + "start/", plan_views.plan_start, name="plan_start"),
    path(_PLAN + "figures/new/", plan_views.indicator_edit, name="plan_indicator_add"),
    path(_PLAN + "figures/<int:plan_indicator_id>/edit/", plan_views.indicator_edit, name="plan_indicator_edit"),
    path(_PLAN + "figures/<int:plan_indicator_id>/remove/", plan_views.indicator_remove, name="plan_indicator_remove"),
    path(_PLAN + "upload/", plan_views.plan_upload, name="plan_upload"),
    path(_PLAN + "items/new/", plan_views.item_add, name="plan_item_add"),
    path(_PLAN + "items/<int:plan_item_id>/edit/", plan_views.item_edit, name="plan_item_edit"),
    path(_PLAN + "items/<int:plan_item_id>/remove/", plan_views.item_remove, name="plan_item_remove"),
    path(_PLAN + "versions/new/", plan_views.version_save, name="plan_version_save"),
    path(_PLAN + "versions/<int:plan_version_id>/", plan_views.version_detail, name="plan_version_detail"),
    path(_PLAN + "compare/", plan_views.plan_compare, name="plan_compare"),
]

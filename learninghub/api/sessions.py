"""API of learning hub sessions: a cycle's sessions, one session (details, notes, attendance, actions), its state
moves, its actions (added, ticked by their owner, removed) and its ``.ics`` invitations.

Every member reads sessions and downloads their own invitation; the business managers schedule sessions,
record attendance, notes and actions, and download anyone's invitation. Another partnership's cycle, session,
action or member is a 404 in the path; in a body, such an id is refused on its field (400) like a missing one.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from learninghub.selectors import sessions as selectors
from learninghub.selectors.cycles import hub_cycle_get
from learninghub.selectors.session_calendar import hub_session_ics, hub_session_ics_filename
from learninghub.selectors.sessions import SESSION_KIND_LABELS, SESSION_MANAGE_ROLES, SessionState
from learninghub.services import sessions as services
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict

TAG = "Learning hub"
_ID = {"min_value": 1, "max_value": 2**63 - 1}


class HubSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    cycle_id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=list(SESSION_KIND_LABELS.items()), read_only=True)
    title = serializers.CharField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    place = serializers.CharField(read_only=True)
    online_url = serializers.CharField(read_only=True)
    agenda = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=SessionState.choices, read_only=True)
    sequence = serializers.IntegerField(
        read_only=True, help_text="The invitation's revision: it grows when the session is rescheduled or cancelled."
    )
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change: if it has changed since, the answer is 409."
    )


class HubSessionAttendanceSerializer(serializers.Serializer):
    attended_ids = serializers.ListField(
        child=serializers.IntegerField(**_ID), max_length=1000, help_text="Members who attended."
    )
    apologies_ids = serializers.ListField(
        child=serializers.IntegerField(**_ID), max_length=1000, help_text="Members who sent apologies."
    )


class HubSessionActionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    session_id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)
    owner_id = serializers.IntegerField(read_only=True, help_text="The member who owns it.")
    due_on = serializers.DateField(read_only=True)
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)
    done_by_id = serializers.IntegerField(read_only=True, allow_null=True)


class HubSessionDetailSerializer(HubSessionSerializer):
    notes = serializers.CharField(read_only=True)
    attended_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    apologies_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    actions = HubSessionActionSerializer(many=True, read_only=True)


class HubSessionCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(SESSION_KIND_LABELS.items()))
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    starts_at = serializers.DateTimeField(help_text="With its offset; without one it is UK time.")
    ends_at = serializers.DateTimeField(help_text="After starts_at.")
    place = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    online_url = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="An https:// (or http://) link."
    )
    agenda = serializers.CharField(max_length=10_000, required=False, allow_blank=True, default="")


class HubSessionUpdateSerializer(HubSessionCreateSerializer):
    notes = serializers.CharField(max_length=20_000, required=False, allow_blank=True, default="")
    updated_at = serializers.DateTimeField(required=False, help_text="The version you read (or send If-Match).")


class HubSessionMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=SessionState.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class HubSessionActionCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    owner_id = serializers.IntegerField(**_ID, help_text="A member of the partnership.")
    due_on = serializers.DateField(help_text="On or after the session's day.")


class HubSessionActionTickSerializer(serializers.Serializer):
    done = serializers.BooleanField(help_text="true: done (off the owner's tasks); false: not done after all.")


class _SessionAPIView(PartnershipScopedAPIView):
    write_roles = SESSION_MANAGE_ROLES
    serializer_class = HubSessionSerializer

    def scoped_queryset(self, partnership):
        return selectors.hub_sessions_all(partnership=partnership)

    def session_answer(self, hub_session_id: int, *, code: int = status.HTTP_200_OK) -> Response:
        session = selectors.hub_session_get(partnership=self.partnership, session_id=hub_session_id)
        page = selectors.hub_session_page(partnership=self.partnership, session=session, membership=self.membership)
        data = {
            **HubSessionSerializer(session).data,
            "notes": session.notes,
            "attended_ids": [a.member_id for a in page.attended],
            "apologies_ids": [a.member_id for a in page.apologies],
            "actions": HubSessionActionSerializer(page.actions, many=True).data,
        }
        return Response(data, status=code)


class SessionListView(_SessionAPIView):
    """A cycle's sessions, soonest first; business managers schedule one."""

    pagination_class = None

    @extend_schema(tags=[TAG], summary="A cycle's sessions", responses=_answers({200: HubSessionSerializer(many=True)}))
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        return Response(
            HubSessionSerializer(selectors.hub_session_list(partnership=self.partnership, cycle=cycle), many=True).data
        )

    @extend_schema(
        tags=[TAG],
        summary="Schedule a session (business managers)",
        request=HubSessionCreateSerializer,
        responses=_answers({201: HubSessionDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        serializer = HubSessionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = services.hub_session_create(
            partnership=self.partnership, actor=request.user, cycle=cycle, **serializer.validated_data
        )
        return self.session_answer(session.pk, code=status.HTTP_201_CREATED)


class SessionDetailView(_SessionAPIView):
    """One session: details, notes, attendance and actions; business managers change or reschedule it."""

    @extend_schema(tags=[TAG], summary="A session", responses=_answers({200: HubSessionDetailSerializer}))
    def get(self, request: Request, slug: str, hub_session_id: int) -> Response:
        return self.session_answer(hub_session_id)

    @extend_schema(
        tags=[TAG],
        summary="Change or reschedule a session, or write its notes (business managers)",
        request=HubSessionUpdateSerializer,
        responses=_answers(
            {200: HubSessionDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("session")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, hub_session_id: int) -> Response:
        session = selectors.hub_session_get(partnership=self.partnership, session_id=hub_session_id)
        serializer = HubSessionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.hub_session_update(
            partnership=self.partnership, actor=request.user, session=session, expected_updated_at=expected, **data
        )
        return self.session_answer(session.pk)


class SessionMoveView(_SessionAPIView):
    """Mark a session held (once it has started), cancel it, or put a cancelled one back in the calendar."""

    @extend_schema(
        tags=[TAG],
        summary="Hold, cancel or reinstate a session (business managers)",
        request=HubSessionMoveSerializer,
        responses=_answers({200: HubSessionDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_session_id: int) -> Response:
        session = selectors.hub_session_get(partnership=self.partnership, session_id=hub_session_id)
        serializer = HubSessionMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.hub_session_move(
            partnership=self.partnership, actor=request.user, session=session, **serializer.validated_data
        )
        return self.session_answer(session.pk)


class SessionAttendanceView(_SessionAPIView):
    """Who attended a session and who sent apologies: members of the partnership."""

    serializer_class = HubSessionAttendanceSerializer
    # OPTIONS on a view with PUT makes DRF read the object: through the scoped queryset, by the session's id.
    lookup_url_kwarg = "hub_session_id"

    @extend_schema(
        tags=[TAG], summary="A session's attendance", responses=_answers({200: HubSessionAttendanceSerializer})
    )
    def get(self, request: Request, slug: str, hub_session_id: int) -> Response:
        session = selectors.hub_session_get(partnership=self.partnership, session_id=hub_session_id)
        rows = selectors.hub_session_attendance(partnership=self.partnership, session=session)
        return Response(
            {
                "attended_ids": [a.member_id for a in rows if a.status == "attended"],
                "apologies_ids": [a.member_id for a in rows if a.status == "apologies"],
            }
        )

    @extend_schema(
        tags=[TAG],
        summary="Record a session's attendance, replacing it (business managers)",
        request=HubSessionAttendanceSerializer,
        responses=_answers({200: HubSessionAttendanceSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def put(self, request: Request, slug: str, hub_session_id: int) -> Response:
        session = selectors.hub_session_get(partnership=self.partnership, session_id=hub_session_id)
        serializer = HubSessionAttendanceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.hub_session_attendance_set(
            partnership=self.partnership, actor=request.user, session=session, **serializer.validated_data
        )
        return self.get(request, slug, hub_session_id)


class SessionActionListView(_SessionAPIView):
    """A session's actions, by due date; business managers add one (it goes on its owner's tasks)."""

    pagination_class = None
    serializer_class = HubSessionActionSerializer

    @extend_schema(
        tags=[TAG], summary="A session's actions", responses=_answers({200: HubSessionActionSerializer(many=True)})
    )
    def get(self, request: Request, slug: str, hub_session_id: int) -> Response:
        session = selectors.hub_session_get(partnership=self.partnership, session_id=hub_session_id)
        actions = selectors.hub_session_actions(partnership=self.partnership, session=session)
        return Response(HubSessionActionSerializer(actions, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Add an action with its owner and due date (business managers)",
        request=HubSessionActionCreateSerializer,
        responses=_answers({201: HubSessionActionSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_session_id: int) -> Response:
        session = selectors.hub_session_get(partnership=self.partnership, session_id=hub_session_id)
        serializer = HubSessionActionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = services.hub_session_action_add(
            partnership=self.partnership, actor=request.user, session=session, **serializer.validated_data
        )
        return Response(HubSessionActionSerializer(action).data, status=status.HTTP_201_CREATED)


class SessionActionDetailView(_SessionAPIView):
    """One action; business managers remove one recorded by mistake."""

    serializer_class = HubSessionActionSerializer

    @extend_schema(tags=[TAG], summary="A session's action", responses=_answers({200: HubSessionActionSerializer}))
    def get(self, request: Request, slug: str, hub_session_action_id: int) -> Response:
        action = selectors.hub_session_action_get(partnership=self.partnership, action_id=hub_session_action_id)
        return Response(HubSessionActionSerializer(action).data)

    @extend_schema(
        tags=[TAG],
        summary="Remove an action (business managers)",
        responses=_answers({204: None, 400: _FIELD_ERRORS}),
    )
    def delete(self, request: Request, slug: str, hub_session_action_id: int) -> Response:
        action = selectors.hub_session_action_get(partnership=self.partnership, action_id=hub_session_action_id)
        services.hub_session_action_delete(partnership=self.partnership, actor=request.user, action=action)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionActionTickView(_SessionAPIView):
    """Tick an action done, or not done again: its owner or a business manager (403 for anyone else)."""

    # Any member may ask; the service lets only the action's owner or a business manager tick it.
    write_roles = frozenset()
    serializer_class = HubSessionActionSerializer

    @extend_schema(
        tags=[TAG],
        summary="Tick an action done or not done (its owner, or business managers)",
        request=HubSessionActionTickSerializer,
        responses=_answers({200: HubSessionActionSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_session_action_id: int) -> Response:
        action = selectors.hub_session_action_get(partnership=self.partnership, action_id=hub_session_action_id)
        serializer = HubSessionActionTickSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticked = services.hub_session_action_tick(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            action=action,
            done=serializer.validated_data["done"],
        )
        return Response(HubSessionActionSerializer(ticked).data)


class CalendarRenderer(BaseRenderer):
    """Lets a client ask for the invitation with ``Accept: text/calendar`` (no 406); the file itself is an
    ``HttpResponse`` and errors are still JSON (see ``_InvitationView.finalize_response``)."""

    media_type = "text/calendar"
    format = "ics"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # pragma: no cover - never chosen
        return data


_ICS = {
    (200, "text/calendar"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The invitation (iCalendar, RFC 5545), as an attachment."
    )
}


def _json_errors(responses: dict) -> dict:
    return {(key if isinstance(key, tuple) else (key, "application/json")): value for key, value in responses.items()}


class _InvitationView(_SessionAPIView):
    write_roles = SESSION_MANAGE_ROLES
    serializer_class = None
    renderer_classes = [JSONRenderer, CalendarRenderer]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response

    def ics_response(self, request: Request, hub_session_id: int, membership_id: int | None = None) -> HttpResponse:
        session = selectors.hub_session_get(partnership=self.partnership, session_id=hub_session_id)
        member = None
        if membership_id is not None:
            if membership_id != self.membership.pk and not self.membership.has_role(*SESSION_MANAGE_ROLES):
                raise Http404("No such member.")
            member = selectors.session_member_get(partnership=self.partnership, member_id=membership_id)
        page_url = request.build_absolute_uri(
            reverse("learninghub:session_detail", kwargs={"slug": self.partnership.slug, "hub_session_id": session.pk})
        )
        response = HttpResponse(
            hub_session_ics(session=session, page_url=page_url, member=member),
            content_type="text/calendar; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{hub_session_ics_filename(session, member)}"'
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response


class SessionInvitationView(_InvitationView):
    """The session's calendar entry (published, no attendee): any member."""

    @extend_schema(
        tags=[TAG],
        summary="A session's .ics calendar entry",
        operation_id="v1_partnerships_learning_hub_sessions_invitation_retrieve",
        responses=_json_errors(_answers(_ICS)),
    )
    def get(self, request: Request, slug: str, hub_session_id: int) -> HttpResponse:
        return self.ics_response(request, hub_session_id)


class SessionMemberInvitationView(_InvitationView):
    """A member's invitation to the session (their ATTENDEE line): their own, or anyone's for business managers."""

    @extend_schema(
        tags=[TAG],
        summary="A member's .ics invitation to a session",
        operation_id="v1_partnerships_learning_hub_sessions_member_invitation_retrieve",
        responses=_json_errors(_answers(_ICS)),
    )
    def get(self, request: Request, slug: str, hub_session_id: int, membership_id: int) -> HttpResponse:
        return self.ics_response(request, hub_session_id, membership_id)

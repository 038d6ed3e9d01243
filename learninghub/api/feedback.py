"""API of a cycle's month-3 feedback: practitioners' sessions, children's, young people's and families' feedback,
the online survey (its questions, opening and closing, the responses' summary with the response rate), evaluation
figures and "you said, we did".

Every member reads (drafts of "you said, we did" are as missing to all but business managers); the business
managers write. Another partnership's cycle or record is a 404; a theme of another partnership in a body is a
400 on ``theme_ids``. Bad input is a 400 with field errors. Survey answers come only through the public link
(``/s/<token>/``), never through this API.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from learninghub.selectors import cycles as cycle_selectors
from learninghub.selectors import feedback as selectors
from learninghub.selectors.feedback import FEEDBACK_MANAGE_ROLES, EntryState, QuestionKind, SurveyState
from learninghub.services import feedback as services
from partnership.api.base import ApiPagination, PartnershipScopedAPIView
from partnership.api.views import _FIELD_ERRORS, _answers

TAG = "Learning hub feedback"
_ID = {"min_value": 1, "max_value": 2**63 - 1}


class FeedbackThemeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class FeedbackSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    cycle_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    held_on = serializers.DateField(read_only=True)
    attended = serializers.IntegerField(read_only=True)
    themes = FeedbackThemeSerializer(many=True, read_only=True, source="themes.all")
    summary = serializers.CharField(read_only=True)
    quotes = serializers.ListField(child=serializers.CharField(), read_only=True)


class FeedbackSessionWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    attended = serializers.IntegerField(min_value=0, max_value=100_000)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    quotes = serializers.ListField(
        child=serializers.CharField(max_length=1000), max_length=50, required=False, default=list
    )
    theme_ids = serializers.ListField(
        child=serializers.IntegerField(**_ID),
        max_length=20,
        required=False,
        default=list,
        help_text="The partnership's current learning themes.",
    )


class ChildFeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    cycle_id = serializers.IntegerField(read_only=True)
    gathered_on = serializers.DateField(read_only=True)
    method = serializers.CharField(read_only=True)
    children = serializers.IntegerField(read_only=True)
    young_people = serializers.IntegerField(read_only=True)
    families = serializers.IntegerField(read_only=True)
    themes = FeedbackThemeSerializer(many=True, read_only=True, source="themes.all")
    summary = serializers.CharField(read_only=True)
    consent_recorded = serializers.BooleanField(read_only=True)
    consent_how = serializers.CharField(read_only=True)


class ChildFeedbackWriteSerializer(serializers.Serializer):
    """Counts and themes only: there is no field for a name or any identity."""

    gathered_on = serializers.DateField()
    method = serializers.CharField(max_length=200)
    children = serializers.IntegerField(min_value=0, max_value=100_000, required=False, default=0)
    young_people = serializers.IntegerField(min_value=0, max_value=100_000, required=False, default=0)
    families = serializers.IntegerField(min_value=0, max_value=100_000, required=False, default=0)
    summary = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    consent_recorded = serializers.BooleanField(help_text="Must be true: feedback without consent is not kept.")
    consent_how = serializers.CharField(max_length=500, help_text="How consent was obtained.")
    theme_ids = serializers.ListField(
        child=serializers.IntegerField(**_ID),
        max_length=20,
        required=False,
        default=list,
        help_text="The partnership's current learning themes.",
    )


class EvaluationFigureSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    cycle_id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(max_length=200)
    value = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    out_of = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0, required=False, allow_null=True)
    respondents = serializers.IntegerField(min_value=0, max_value=100_000, required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SurveyQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    text = serializers.CharField(max_length=500)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    required = serializers.BooleanField(required=False, default=True)


class SurveySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    cycle_id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    introduction = serializers.CharField(read_only=True)
    sent_count = serializers.IntegerField(read_only=True)
    state = serializers.ChoiceField(choices=SurveyState.choices, read_only=True)
    opened_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class SurveyDetailSerializer(SurveySerializer):
    questions = SurveyQuestionSerializer(many=True, read_only=True)
    public_url = serializers.CharField(
        read_only=True, allow_null=True, help_text="The public link (business managers only; null for others)."
    )


class SurveyWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    introduction = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    sent_count = serializers.IntegerField(min_value=0, max_value=100_000, required=False, default=0)


class SurveyMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[SurveyState.OPEN, SurveyState.CLOSED])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class QuestionResultSerializer(serializers.Serializer):
    question = SurveyQuestionSerializer()
    answered = serializers.IntegerField()
    scale_counts = serializers.DictField(child=serializers.IntegerField(), help_text="Answers by score, 1 to 5.")
    average = serializers.DecimalField(max_digits=3, decimal_places=1, allow_null=True)
    yes = serializers.IntegerField()
    no = serializers.IntegerField()
    texts = serializers.ListField(child=serializers.CharField(), help_text="The latest written answers.")


class SurveyResultsSerializer(serializers.Serializer):
    feedback_survey_id = serializers.IntegerField()
    responses = serializers.IntegerField()
    sent_count = serializers.IntegerField()
    response_rate = serializers.DecimalField(
        max_digits=6, decimal_places=1, allow_null=True, help_text="Responses as a percentage of sent_count."
    )
    questions = QuestionResultSerializer(many=True)


class YouSaidWeDidSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    cycle_id = serializers.IntegerField(read_only=True)
    you_said = serializers.CharField(max_length=5000)
    we_did = serializers.CharField(max_length=5000)
    state = serializers.ChoiceField(choices=EntryState.choices, read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)


class EntryMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=EntryState.choices)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class _FeedbackAPIView(PartnershipScopedAPIView):
    write_roles = FEEDBACK_MANAGE_ROLES
    pagination_class = None

    def scoped_queryset(self, partnership):
        raise NotImplementedError("Each feedback endpoint reads through its own selector.")

    def cycle(self, hub_cycle_id: int):
        return cycle_selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)

    def valid(self, serializer_class, request: Request) -> dict:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


# --- Practitioner sessions --------------------------------------------------------------------------------------


class SessionListView(_FeedbackAPIView):
    """A cycle's practitioner feedback sessions."""

    serializer_class = FeedbackSessionSerializer

    @extend_schema(
        tags=[TAG],
        summary="Practitioner feedback sessions",
        responses=_answers({200: FeedbackSessionSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        sessions = selectors.feedback_sessions(partnership=self.partnership, cycle=self.cycle(hub_cycle_id))
        return Response(FeedbackSessionSerializer(sessions, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Record a practitioner feedback session (business managers)",
        request=FeedbackSessionWriteSerializer,
        responses=_answers({201: FeedbackSessionSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        data = self.valid(FeedbackSessionWriteSerializer, request)
        session = services.feedback_session_create(
            partnership=self.partnership, actor=request.user, cycle=cycle, **data
        )
        return Response(FeedbackSessionSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(_FeedbackAPIView):
    serializer_class = FeedbackSessionSerializer

    def session(self, hub_cycle_id: int, feedback_session_id: int):
        cycle = self.cycle(hub_cycle_id)
        return selectors.feedback_session_get(
            partnership=self.partnership, cycle=cycle, feedback_session_id=feedback_session_id
        )

    @extend_schema(
        tags=[TAG], summary="A practitioner feedback session", responses=_answers({200: FeedbackSessionSerializer})
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int, feedback_session_id: int) -> Response:
        return Response(FeedbackSessionSerializer(self.session(hub_cycle_id, feedback_session_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Change a practitioner feedback session (business managers)",
        request=FeedbackSessionWriteSerializer,
        responses=_answers({200: FeedbackSessionSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, hub_cycle_id: int, feedback_session_id: int) -> Response:
        session = self.session(hub_cycle_id, feedback_session_id)
        data = self.valid(FeedbackSessionWriteSerializer, request)
        saved = services.feedback_session_update(
            partnership=self.partnership, actor=request.user, session=session, **data
        )
        return Response(FeedbackSessionSerializer(saved).data)

    @extend_schema(
        tags=[TAG], summary="Remove a session recorded in error (business managers)", responses=_answers({204: None})
    )
    def delete(self, request: Request, slug: str, hub_cycle_id: int, feedback_session_id: int) -> Response:
        session = self.session(hub_cycle_id, feedback_session_id)
        services.feedback_record_delete(partnership=self.partnership, actor=request.user, instance=session)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Children, young people and families ------------------------------------------------------------------------


class ChildFeedbackListView(_FeedbackAPIView):
    """Feedback from children, young people and families: counts, themes and consent, never identities."""

    serializer_class = ChildFeedbackSerializer

    @extend_schema(
        tags=[TAG],
        summary="Feedback from children, young people and families",
        responses=_answers({200: ChildFeedbackSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        records = selectors.child_feedback(partnership=self.partnership, cycle=self.cycle(hub_cycle_id))
        return Response(ChildFeedbackSerializer(records, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Record feedback from children, young people and families (business managers)",
        request=ChildFeedbackWriteSerializer,
        responses=_answers({201: ChildFeedbackSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        data = self.valid(ChildFeedbackWriteSerializer, request)
        record = services.child_feedback_create(partnership=self.partnership, actor=request.user, cycle=cycle, **data)
        return Response(ChildFeedbackSerializer(record).data, status=status.HTTP_201_CREATED)


class ChildFeedbackDetailView(_FeedbackAPIView):
    serializer_class = ChildFeedbackSerializer

    def record(self, hub_cycle_id: int, child_feedback_id: int):
        cycle = self.cycle(hub_cycle_id)
        return selectors.child_feedback_get(
            partnership=self.partnership, cycle=cycle, child_feedback_id=child_feedback_id
        )

    @extend_schema(
        tags=[TAG], summary="One record of children's feedback", responses=_answers({200: ChildFeedbackSerializer})
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int, child_feedback_id: int) -> Response:
        return Response(ChildFeedbackSerializer(self.record(hub_cycle_id, child_feedback_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Change a record of children's feedback (business managers)",
        request=ChildFeedbackWriteSerializer,
        responses=_answers({200: ChildFeedbackSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, hub_cycle_id: int, child_feedback_id: int) -> Response:
        record = self.record(hub_cycle_id, child_feedback_id)
        data = self.valid(ChildFeedbackWriteSerializer, request)
        saved = services.child_feedback_update(partnership=self.partnership, actor=request.user, record=record, **data)
        return Response(ChildFeedbackSerializer(saved).data)

    @extend_schema(
        tags=[TAG], summary="Remove a record made in error (business managers)", responses=_answers({204: None})
    )
    def delete(self, request: Request, slug: str, hub_cycle_id: int, child_feedback_id: int) -> Response:
        record = self.record(hub_cycle_id, child_feedback_id)
        services.feedback_record_delete(partnership=self.partnership, actor=request.user, instance=record)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Evaluation figures -----------------------------------------------------------------------------------------


class FigureListView(_FeedbackAPIView):
    serializer_class = EvaluationFigureSerializer

    @extend_schema(
        tags=[TAG], summary="Evaluation figures", responses=_answers({200: EvaluationFigureSerializer(many=True)})
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        figures = selectors.evaluation_figures(partnership=self.partnership, cycle=self.cycle(hub_cycle_id))
        return Response(EvaluationFigureSerializer(figures, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Record an evaluation figure (business managers)",
        request=EvaluationFigureSerializer,
        responses=_answers({201: EvaluationFigureSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        data = self.valid(EvaluationFigureSerializer, request)
        figure = services.evaluation_figure_create(
            partnership=self.partnership, actor=request.user, cycle=cycle, **data
        )
        return Response(EvaluationFigureSerializer(figure).data, status=status.HTTP_201_CREATED)


class FigureDetailView(_FeedbackAPIView):
    serializer_class = EvaluationFigureSerializer

    def figure(self, hub_cycle_id: int, evaluation_figure_id: int):
        cycle = self.cycle(hub_cycle_id)
        return selectors.evaluation_figure_get(
            partnership=self.partnership, cycle=cycle, evaluation_figure_id=evaluation_figure_id
        )

    @extend_schema(tags=[TAG], summary="An evaluation figure", responses=_answers({200: EvaluationFigureSerializer}))
    def get(self, request: Request, slug: str, hub_cycle_id: int, evaluation_figure_id: int) -> Response:
        return Response(EvaluationFigureSerializer(self.figure(hub_cycle_id, evaluation_figure_id)).data)

    @extend_schema(
        tags=[TAG], summary="Remove an evaluation figure (business managers)", responses=_answers({204: None})
    )
    def delete(self, request: Request, slug: str, hub_cycle_id: int, evaluation_figure_id: int) -> Response:
        figure = self.figure(hub_cycle_id, evaluation_figure_id)
        services.feedback_record_delete(partnership=self.partnership, actor=request.user, instance=figure)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Surveys ----------------------------------------------------------------------------------------------------


class _SurveyAPIView(_FeedbackAPIView):
    serializer_class = SurveyDetailSerializer

    def survey(self, hub_cycle_id: int, feedback_survey_id: int):
        cycle = self.cycle(hub_cycle_id)
        return selectors.feedback_survey_get(
            partnership=self.partnership, cycle=cycle, feedback_survey_id=feedback_survey_id
        )

    def survey_answer(self, survey, *, code: int = status.HTTP_200_OK) -> Response:
        data = {
            **SurveySerializer(survey).data,
            "questions": SurveyQuestionSerializer(
                selectors.survey_questions(partnership=self.partnership, survey=survey), many=True
            ).data,
            "public_url": self.request.build_absolute_uri(selectors.survey_public_path(survey))
            if self.membership.has_role(*FEEDBACK_MANAGE_ROLES)
            else None,
        }
        return Response(data, status=code)


class SurveyListView(_SurveyAPIView):
    """A cycle's online surveys."""

    serializer_class = SurveySerializer

    @extend_schema(tags=[TAG], summary="Online surveys", responses=_answers({200: SurveySerializer(many=True)}))
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        surveys = selectors.feedback_surveys(partnership=self.partnership, cycle=self.cycle(hub_cycle_id))
        return Response(SurveySerializer(surveys, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Start a survey as a draft (business managers)",
        request=SurveyWriteSerializer,
        responses=_answers({201: SurveyDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        data = self.valid(SurveyWriteSerializer, request)
        survey = services.feedback_survey_create(partnership=self.partnership, actor=request.user, cycle=cycle, **data)
        return self.survey_answer(survey, code=status.HTTP_201_CREATED)


class SurveyDetailView(_SurveyAPIView):
    @extend_schema(tags=[TAG], summary="A survey with its questions", responses=_answers({200: SurveyDetailSerializer}))
    def get(self, request: Request, slug: str, hub_cycle_id: int, feedback_survey_id: int) -> Response:
        return self.survey_answer(self.survey(hub_cycle_id, feedback_survey_id))

    @extend_schema(
        tags=[TAG],
        summary="Change a survey's title, introduction or sent count (business managers)",
        request=SurveyWriteSerializer,
        responses=_answers({200: SurveyDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, hub_cycle_id: int, feedback_survey_id: int) -> Response:
        survey = self.survey(hub_cycle_id, feedback_survey_id)
        data = self.valid(SurveyWriteSerializer, request)
        saved = services.feedback_survey_update(partnership=self.partnership, actor=request.user, survey=survey, **data)
        return self.survey_answer(saved)


class SurveyQuestionListView(_SurveyAPIView):
    serializer_class = SurveyQuestionSerializer

    @extend_schema(
        tags=[TAG],
        summary="Add a question to a draft survey (business managers)",
        request=SurveyQuestionSerializer,
        responses=_answers({201: SurveyDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int, feedback_survey_id: int) -> Response:
        survey = self.survey(hub_cycle_id, feedback_survey_id)
        data = self.valid(SurveyQuestionSerializer, request)
        services.survey_question_add(partnership=self.partnership, actor=request.user, survey=survey, **data)
        return self.survey_answer(survey, code=status.HTTP_201_CREATED)


class SurveyQuestionDetailView(_SurveyAPIView):
    @extend_schema(
        tags=[TAG],
        summary="Take a question out of a draft survey (business managers)",
        responses=_answers({200: SurveyDetailSerializer, 400: _FIELD_ERRORS}),
    )
    def delete(
        self, request: Request, slug: str, hub_cycle_id: int, feedback_survey_id: int, survey_question_id: int
    ) -> Response:
        survey = self.survey(hub_cycle_id, feedback_survey_id)
        question = selectors.survey_question_get(
            partnership=self.partnership, survey=survey, survey_question_id=survey_question_id
        )
        services.survey_question_remove(
            partnership=self.partnership, actor=request.user, survey=survey, question=question
        )
        return self.survey_answer(survey)


class SurveyMoveView(_SurveyAPIView):
    @extend_schema(
        tags=[TAG],
        summary="Open a draft survey, or close an open one (business managers)",
        request=SurveyMoveSerializer,
        responses=_answers({200: SurveyDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int, feedback_survey_id: int) -> Response:
        survey = self.survey(hub_cycle_id, feedback_survey_id)
        data = self.valid(SurveyMoveSerializer, request)
        services.feedback_survey_move(partnership=self.partnership, actor=request.user, survey=survey, **data)
        return self.survey_answer(survey)


class SurveyResultsView(_SurveyAPIView):
    """The responses' summary: how many, the response rate, and each question's answers counted."""

    serializer_class = SurveyResultsSerializer

    @extend_schema(
        tags=[TAG], summary="A survey's responses summary", responses=_answers({200: SurveyResultsSerializer})
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int, feedback_survey_id: int) -> Response:
        survey = self.survey(hub_cycle_id, feedback_survey_id)
        results = selectors.survey_results(partnership=self.partnership, survey=survey)
        data = {
            "feedback_survey_id": survey.pk,
            "responses": results.responses,
            "sent_count": survey.sent_count,
            "response_rate": results.rate,
            "questions": [
                {
                    "question": r.question,
                    "answered": r.answered,
                    "scale_counts": {str(k): v for k, v in r.scale_counts},
                    "average": r.average,
                    "yes": r.yes,
                    "no": r.no,
                    "texts": r.texts,
                }
                for r in results.questions
            ],
        }
        return Response(SurveyResultsSerializer(data).data)


# --- You said, we did -------------------------------------------------------------------------------------------


class EntryListView(_FeedbackAPIView):
    """A cycle's "you said, we did": published entries for every member, drafts too for business managers."""

    serializer_class = YouSaidWeDidSerializer

    @extend_schema(
        tags=[TAG], summary="A cycle's “you said, we did”", responses=_answers({200: YouSaidWeDidSerializer(many=True)})
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        entries = selectors.you_said_we_did(
            partnership=self.partnership,
            cycle=self.cycle(hub_cycle_id),
            published_only=not self.membership.has_role(*FEEDBACK_MANAGE_ROLES),
        )
        return Response(YouSaidWeDidSerializer(entries, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Draft a “you said, we did” entry (business managers)",
        request=YouSaidWeDidSerializer,
        responses=_answers({201: YouSaidWeDidSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        data = self.valid(YouSaidWeDidSerializer, request)
        entry = services.you_said_we_did_create(partnership=self.partnership, actor=request.user, cycle=cycle, **data)
        return Response(YouSaidWeDidSerializer(entry).data, status=status.HTTP_201_CREATED)


class EntryDetailView(_FeedbackAPIView):
    serializer_class = YouSaidWeDidSerializer

    def entry(self, hub_cycle_id: int, you_said_we_did_id: int):
        cycle = self.cycle(hub_cycle_id)
        return selectors.you_said_we_did_get(
            partnership=self.partnership, cycle=cycle, you_said_we_did_id=you_said_we_did_id, membership=self.membership
        )

    @extend_schema(tags=[TAG], summary="A “you said, we did” entry", responses=_answers({200: YouSaidWeDidSerializer}))
    def get(self, request: Request, slug: str, hub_cycle_id: int, you_said_we_did_id: int) -> Response:
        return Response(YouSaidWeDidSerializer(self.entry(hub_cycle_id, you_said_we_did_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Change an entry's words (business managers)",
        request=YouSaidWeDidSerializer,
        responses=_answers({200: YouSaidWeDidSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, hub_cycle_id: int, you_said_we_did_id: int) -> Response:
        entry = self.entry(hub_cycle_id, you_said_we_did_id)
        data = self.valid(YouSaidWeDidSerializer, request)
        saved = services.you_said_we_did_update(partnership=self.partnership, actor=request.user, entry=entry, **data)
        return Response(YouSaidWeDidSerializer(saved).data)

    @extend_schema(tags=[TAG], summary="Remove an entry (business managers)", responses=_answers({204: None}))
    def delete(self, request: Request, slug: str, hub_cycle_id: int, you_said_we_did_id: int) -> Response:
        entry = self.entry(hub_cycle_id, you_said_we_did_id)
        services.feedback_record_delete(partnership=self.partnership, actor=request.user, instance=entry)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntryMoveView(EntryDetailView):
    @extend_schema(
        tags=[TAG],
        summary="Publish an entry to practitioners, or take it back to draft (business managers)",
        request=EntryMoveSerializer,
        responses=_answers({200: YouSaidWeDidSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int, you_said_we_did_id: int) -> Response:
        entry = self.entry(hub_cycle_id, you_said_we_did_id)
        data = self.valid(EntryMoveSerializer, request)
        services.you_said_we_did_move(partnership=self.partnership, actor=request.user, entry=entry, **data)
        return Response(YouSaidWeDidSerializer(entry).data)


class PublishedEntryListView(_FeedbackAPIView):
    """Every published "you said, we did" entry of the partnership, newest first, 25 at a time (``?limit=``,
    ``?offset=``, at most 500): every cycle publishes more, kept for good."""

    serializer_class = YouSaidWeDidSerializer
    pagination_class = ApiPagination  # the API's own, as every list: not DRF's unbounded ``?limit=``

    def scoped_queryset(self, partnership):
        return selectors.published_you_said_we_did(partnership=partnership)

    @extend_schema(
        tags=[TAG], summary="Published “you said, we did”", responses=_answers({200: YouSaidWeDidSerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(YouSaidWeDidSerializer(page, many=True).data)

"""Reads of learning reviews: lists, who may see and do what, the outcomes form, comments, the public summary.

Who sees a learning review (``LearningReviewAccess``):

- business managers, the three partner leads and the independent scrutineer
  see every review of the partnership (its plan, timescales, contributors,
  requests and state);
- the lead author and the contributors see the reviews they take part in;
- anyone else is told the review does not exist (404, like another
  partnership's review): they never see it listed either.

The outcomes form while it is a draft (before FINAL) and every comment on it
are for the review's participants: the lead author, the contributors and
the business managers. Partner leads, who can see that the review exists, are
refused the draft with 403 (the app's answer for "your role does not include
this page"); once the form is final, they read it too.

The independent scrutineer reads every record of the partnership that does not
identify a child, and changes none of them: the form at every stage and its
comments, pseudonymised (``outcomes_form_pseudonymise``): the children of the
rapid review the review came from appear by pseudonym, their dates of birth
and addresses removed, and the sections that describe the family are withheld
(a redactor cannot know a parent's or a sibling's name), as from the public
summary. The PDF of the full form is not theirs to ask for or to open: they
print the print view, which is pseudonymised like the page.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.formats import date_format

from partnership.models import (
    CASE_WORK_ROLES,
    LEADERSHIP_ROLES,
    OVERSIGHT_ROLES,
    Agency,
    Deadline,
    Membership,
    Partnership,
    Person,
    Role,
)
from reviews.models import (
    Child,
    Contributor,
    InformationRequest,
    LearningReview,
    OutcomeComment,
    OutcomeRecommendation,
    OutcomesForm,
    RapidReview,
)
from reviews.redaction import KnownChild, Redactor
from reviews.selectors.rapid_review import subquery_count

# The deadline engine's kinds (subject: the LearningReview, or the Contributor for comments).
DEADLINE_INFORMATION = "lr.information"
DEADLINE_REPORT = "lr.report"
DEADLINE_COMMENTS = "lr.comments"

# Document kinds (partnership.models.Document.kind) of a learning review.
DOCUMENT_OUTCOMES_FORM = "lr.outcomes_form"
DOCUMENT_PUBLIC_SUMMARY = "lr.public_summary"
OUTCOMES_FORM_TEMPLATE = "reviews/learning_review/outcomes_form_document.html"
PUBLIC_SUMMARY_TEMPLATE = "reviews/learning_review/public_summary_document.html"

# Roles that see every learning review of their partnership.
# Who leads or contributes to a review: people who do the work, not the scrutineer, lay members or observers.
REVIEW_WORKER_ROLES = CASE_WORK_ROLES
# Roles that decide whether a review is published.
PUBLICATION_ROLES = LEADERSHIP_ROLES
# Who may open the full outcomes form PDF through the documents pages (Document.audience). Those pages
# know roles, not a review's participants, so the audience is the roles that see every final form in full;
# a lead author or contributor without one of them, and the scrutineer (who reads it pseudonymised), read and
# print the same template on the print view.
OUTCOMES_FORM_AUDIENCE = sorted(LEADERSHIP_ROLES)


# --- The form's sections, in the order of seed 003's appendix ---------------------------------


@dataclass(frozen=True)
class Section:
    """One heading of the Learning Review Outcomes Form (seed 003, appendix 1)."""

    name: str  # an OutcomesForm field, or "lead_author" / "recommendations"
    heading: str
    guidance: str = ""
    word_limited: bool = False
    # Left out of the redacted public summary: it identifies the family or the people involved.
    identifying: bool = False
    # Withheld from the scrutineer too: it describes the family, whose names a redactor cannot all know.
    describes_family: bool = False


OUTCOMES_SECTIONS: tuple[Section, ...] = (
    Section("family_details", "Details of family being considered", identifying=True, describes_family=True),
    Section("lead_author", "Lead author", identifying=True),
    Section(
        "how_undertaken",
        "How this review was undertaken",
        "Set out if this is a practitioner event or desktop review etc.",
    ),
    Section("contributors_text", "Attendees or people who contributed to this review", identifying=True),
    Section("unable_to_contribute", "Any people who were unable to contribute", identifying=True),
    Section("review_date", "Date of practitioner event or date the review was undertaken", identifying=True),
    Section(
        "synopsis",
        "Synopsis of the case",
        "A brief summary of the situation, at most 300 words, that gives agencies enough detail "
        "to understand the reasons for the review.",
        word_limited=True,
    ),
    Section(
        "key_findings",
        "Findings and key learning points",
        "A brief summary, at most 300 words, of the key learning points for agencies to easily "
        "understand and disseminate. More detailed findings go below.",
        word_limited=True,
    ),
    Section(
        "background",
        "Background and summary of agency's involvement",
        "Details of the circumstances of the family and anything not captured in the synopsis.",
        identifying=True,
        describes_family=True,
    ),
    Section(
        "strengths",
        "Strengths in agencies' response or within multi-agency working with the family",
        "Any strengths identified by the review.",
    ),
    Section(
        "do_better",
        "Areas where we would like to do better",
        "The learning that forms the basis of the key findings and learning points.",
    ),
    Section(
        "family_actions",
        "Any specific actions identified in relation to the family",
        "Usually not necessary; if required, keep it brief and make clear who is accountable.",
        identifying=True,
        describes_family=True,
    ),
    Section(
        "broader_learning",
        "Any broader learning that has been identified",
        "Any overlap with other reviews or research messages.",
    ),
    Section(
        "recommendations",
        "Recommendations",
        "SMART actions: each with the action, the person responsible and the timeframe. Consider the "
        "learning activities in the methodologies for learning reviews.",
    ),
    Section(
        "dissemination",
        "How this learning will be disseminated and implemented",
        "Agencies involved should lead the changes in their own agencies; consider support from the "
        "Learning and Improvement Subgroup for wider dissemination.",
    ),
    Section(
        "family_involvement",
        "Decisions around how the family have been involved or informed of this review",
        "How this was considered throughout the review, including any risks around publication or family involvement.",
        identifying=True,
        describes_family=True,
    ),
)
SECTIONS_BY_NAME = {s.name: s for s in OUTCOMES_SECTIONS}
# The OutcomesForm columns a person edits (the lead author comes from the review, recommendations are rows).
FORM_TEXT_FIELDS: tuple[str, ...] = tuple(
    s.name for s in OUTCOMES_SECTIONS if s.name not in {"lead_author", "recommendations", "review_date"}
)
WORD_LIMITED_FIELDS: tuple[str, ...] = tuple(s.name for s in OUTCOMES_SECTIONS if s.word_limited)
# What a comment can be about: a section of the form, or (empty) the form as a whole.
COMMENT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("", "The form as a whole"),
    *((s.name, s.heading) for s in OUTCOMES_SECTIONS if s.name != "lead_author"),
)
COMMENT_SECTION_NAMES = frozenset(name for name, _ in COMMENT_SECTIONS)


# --- Who may see and do what ---------------------------------------------------------------------


@dataclass(frozen=True)
class LearningReviewAccess:
    """What one member may see and do on one learning review (see the module docstring)."""

    state: str
    roles: frozenset[str]
    is_lead_author: bool
    is_contributor: bool

    @property
    def is_business_manager(self) -> bool:
        return Role.BUSINESS_MANAGER in self.roles

    @property
    def oversees(self) -> bool:
        return bool(self.roles & OVERSIGHT_ROLES)

    @property
    def is_participant(self) -> bool:
        """Lead author, contributor or business manager: who sees the draft and the comments."""
        return self.is_business_manager or self.is_lead_author or self.is_contributor

    @property
    def can_see(self) -> bool:
        return self.oversees or self.is_lead_author or self.is_contributor

    @property
    def reads_pseudonymised(self) -> bool:
        """The independent scrutineer (with no part in the review and no role that sees identities): reads the
        form and its comments at every stage, pseudonymised, and changes nothing (see the module docstring)."""
        return self.oversees and not self.is_participant and not self.roles & LEADERSHIP_ROLES

    @property
    def is_final(self) -> bool:
        return self.state == LearningReview.State.FINAL

    @property
    def can_see_form(self) -> bool:
        return self.is_participant or self.reads_pseudonymised or (self.is_final and self.can_see)

    @property
    def reads_form_in_full(self) -> bool:
        """Reads the form as written, with whatever it says of the family: everyone who reads it but the scrutineer."""
        return self.can_see_form and not self.reads_pseudonymised

    @property
    def can_see_comments(self) -> bool:
        return self.is_participant or self.reads_pseudonymised

    @property
    def can_read_requests(self) -> bool:
        """The agencies asked for information, on the requests page (who, when due, in what state; not the returns)."""
        return self.can_request_information or self.reads_pseudonymised

    @property
    def can_manage(self) -> bool:
        """Change the plan and contributors, move the review on: the lead author and business managers."""
        return (self.is_business_manager or self.is_lead_author) and not self.is_final

    @property
    def can_edit_form(self) -> bool:
        return (self.is_business_manager or self.is_lead_author) and self.state in EDITABLE_STATES

    @property
    def can_comment(self) -> bool:
        return self.is_contributor and self.state == LearningReview.State.OUT_FOR_COMMENT

    @property
    def can_request_information(self) -> bool:
        # The business manager co-ordinates information gathering (seed 003).
        return self.is_business_manager and not self.is_final

    @property
    def can_decide_publication(self) -> bool:
        return bool(self.roles & PUBLICATION_ROLES)

    @property
    def can_open_form_pdf(self) -> bool:
        """The full form's PDF opens on the documents pages for the roles in its audience only."""
        return self.reads_form_in_full and bool(self.roles & set(OUTCOMES_FORM_AUDIENCE))

    @property
    def can_export_public_summary(self) -> bool:
        return self.is_final and self.can_see


# The outcomes form is written while planning and drafting; it is frozen while contributors read the
# circulated draft (their comments refer to it) and once final.
EDITABLE_STATES = frozenset({LearningReview.State.PLANNING, LearningReview.State.DRAFTING})


def learning_review_access(*, membership: Membership, learning_review: LearningReview) -> LearningReview:
    """Work out ``membership``'s access to the review and set it on the review as ``access``.

    One query (is the member a contributor?) unless the review was loaded by
    ``learning_review_get`` with ``contributor_person_ids`` already set.
    """
    person_id = membership.person_id
    contributor_ids = getattr(learning_review, "contributor_person_ids", None)
    if contributor_ids is None:
        is_contributor = Contributor.objects.filter(learning_review=learning_review, person_id=person_id).exists()
    else:
        is_contributor = person_id in contributor_ids
    learning_review.access = LearningReviewAccess(
        state=learning_review.state,
        roles=membership.role_set,
        is_lead_author=learning_review.lead_author_id == person_id,
        is_contributor=is_contributor,
    )
    return learning_review


def learning_review_access_for_person(
    *, partnership: Partnership, person: Person, learning_review: LearningReview
) -> LearningReviewAccess:
    """The access of ``person`` (their active membership here), for services that are given a Person."""
    membership = (
        Membership.objects.in_partnership(partnership)
        .filter(person=person, is_active=True)
        .prefetch_related("roles")
        .first()
    )
    if membership is None:
        return LearningReviewAccess(
            state=learning_review.state, roles=frozenset(), is_lead_author=False, is_contributor=False
        )
    return learning_review_access(membership=membership, learning_review=learning_review).access


# --- Lists and lookups -----------------------------------------------------------------------------


def _visible_to(membership: Membership) -> Q:
    if membership.role_set & OVERSIGHT_ROLES:
        return Q()
    person_id = membership.person_id
    return Q(lead_author_id=person_id) | Q(
        Exists(Contributor.objects.filter(learning_review=OuterRef("pk"), person_id=person_id))
    )


def learning_review_list(*, partnership: Partnership, membership: Membership, state: str = "") -> QuerySet:
    """The reviews ``membership`` may see, newest first, with what the list shows in one query.

    Each row carries ``contributor_count``, ``request_count`` (not withdrawn) and ``submitted_count``.
    """
    # Counted in correlated subqueries: joining contributors and requests together multiplies the rows
    # (and DISTINCT over them costs more than the counting), for every review of the partnership.
    requests = InformationRequest.objects.filter(learning_review=OuterRef("pk"))
    qs = (
        LearningReview.objects.in_partnership(partnership)
        .filter(_visible_to(membership))
        .select_related("lead_author", "rapid_review", "rapid_review__incident")
        .annotate(
            contributor_count=subquery_count(Contributor.objects.filter(learning_review=OuterRef("pk"))),
            request_count=subquery_count(requests.exclude(state=InformationRequest.State.WITHDRAWN)),
            submitted_count=subquery_count(requests.filter(state=InformationRequest.State.SUBMITTED)),
        )
        .order_by("-created_at", "-id")
    )
    if state:
        qs = qs.filter(state=state)
    return qs


def learning_review_get(
    *, partnership: Partnership, learning_review_id: int, membership: Membership | None = None
) -> LearningReview:
    """One review of the partnership, with its lead author, rapid review and contributors' ids loaded.

    With ``membership``: ``access`` is set on it, and a member who may not see the
    review gets ``Http404``, exactly as for a review that does not exist.
    """
    review = (
        LearningReview.objects.in_partnership(partnership)
        .select_related("lead_author", "created_by", "rapid_review", "rapid_review__incident", "outcomes_form")
        .filter(pk=learning_review_id)
        .first()
    )
    if review is None:
        raise Http404("No such learning review.")
    review.contributor_person_ids = frozenset(
        Contributor.objects.filter(learning_review=review).values_list("person_id", flat=True)
    )
    if membership is not None:
        learning_review_access(membership=membership, learning_review=review)
        if not review.access.can_see:
            raise Http404("No such learning review.")
    return review


def learning_review_for_rapid_review(*, partnership: Partnership, rapid_review: RapidReview) -> LearningReview | None:
    """The learning review opened from this rapid review's decision, if there is one."""
    return (
        LearningReview.objects.in_partnership(partnership)
        .filter(rapid_review=rapid_review)
        .order_by("created_at", "id")
        .first()
    )


def contributor_list(*, partnership: Partnership, learning_review: LearningReview) -> QuerySet[Contributor]:
    return (
        Contributor.objects.in_partnership(partnership)
        .filter(learning_review=learning_review)
        .select_related("person", "agency")
        .order_by("person__full_name", "id")
    )


def contributor_get(*, partnership: Partnership, learning_review: LearningReview, contributor_id: int) -> Contributor:
    contributor = (
        Contributor.objects.in_partnership(partnership)
        .filter(learning_review=learning_review, pk=contributor_id)
        .select_related("person", "agency")
        .first()
    )
    if contributor is None:
        raise Http404("No such contributor.")
    return contributor


def request_list(*, partnership: Partnership, learning_review: LearningReview) -> QuerySet[InformationRequest]:
    """The review's agency information requests, for the tracker (withdrawn ones included, last)."""
    return (
        InformationRequest.objects.in_partnership(partnership)
        .filter(learning_review=learning_review)
        .select_related("agency", "assignee")
        .order_by("agency__name", "id")
    )


def learning_review_deadlines(*, partnership: Partnership, learning_review: LearningReview) -> dict[str, Deadline]:
    """The review's own deadline rows by kind (information gathering, report), in one query."""
    rows = Deadline.objects.in_partnership(partnership).filter(
        subject_type=ContentType.objects.get_for_model(LearningReview), subject_id=learning_review.pk
    )
    return {d.kind: d for d in rows}


def comment_deadlines(*, partnership: Partnership, learning_review: LearningReview) -> dict[int, Deadline]:
    """Each contributor's comments deadline, by contributor id, in one query."""
    contributor_ids = Contributor.objects.filter(learning_review=learning_review).values("pk")
    rows = Deadline.objects.in_partnership(partnership).filter(
        subject_type=ContentType.objects.get_for_model(Contributor),
        subject_id__in=contributor_ids,
        kind=DEADLINE_COMMENTS,
    )
    return {d.subject_id: d for d in rows}


def active_member(*, partnership: Partnership, person_id: int) -> Membership | None:
    return (
        Membership.objects.in_partnership(partnership)
        .filter(person_id=person_id, is_active=True)
        .select_related("person", "agency")
        .first()
    )


def lead_author_choices(*, partnership: Partnership) -> QuerySet[Person]:
    """Active members of the partnership who can lead a review or contribute to one (not those who only read)."""
    return (
        Person.objects.filter(
            memberships__partnership=partnership,
            memberships__is_active=True,
            is_active=True,
            memberships__roles__role__in=REVIEW_WORKER_ROLES,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def business_manager_emails(*, partnership: Partnership) -> list[str]:
    return list(
        Person.objects.filter(
            memberships__partnership=partnership,
            memberships__is_active=True,
            memberships__roles__role=Role.BUSINESS_MANAGER,
            is_active=True,
        )
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


# --- The outcomes form -------------------------------------------------------------------------------


def outcomes_form_get(
    *, partnership: Partnership, learning_review: LearningReview, pseudonymised: bool = False
) -> OutcomesForm:
    """The review's form with its recommendation rows (one query each); made when the review opens.

    ``pseudonymised``: as the scrutineer reads it (``outcomes_form_pseudonymise``; one more query).
    """
    form = (
        OutcomesForm.objects.in_partnership(partnership)
        .filter(learning_review=learning_review)
        .select_related("updated_by")
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=OutcomeRecommendation.objects.in_partnership(partnership).order_by("position"),
            )
        )
        .first()
    )
    if form is None:
        raise Http404("No such outcomes form.")
    if pseudonymised:
        outcomes_form_pseudonymise(
            form=form, redactor=children_redactor(partnership=partnership, learning_review=learning_review)
        )
    return form


@dataclass
class SectionComments:
    section: str
    heading: str
    comments: list[OutcomeComment]


def comments_by_section(
    *, partnership: Partnership, learning_review: LearningReview, pseudonymised: bool = False
) -> list[SectionComments]:
    """The comments on the review's form grouped by section in the form's order (whole form first).

    Sections without comments are left out. One query (two ``pseudonymised``, as for ``comment_list``).
    """
    comments = comment_list(partnership=partnership, learning_review=learning_review, pseudonymised=pseudonymised)
    groups: OrderedDict[str, SectionComments] = OrderedDict(
        (name, SectionComments(name, heading, [])) for name, heading in COMMENT_SECTIONS
    )
    for comment in comments:
        groups.get(comment.section, groups[""]).comments.append(comment)
    return [g for g in groups.values() if g.comments]


def comment_list(
    *, partnership: Partnership, learning_review: LearningReview, pseudonymised: bool = False
) -> list[OutcomeComment]:
    """The comments on the review's form, oldest first. ``pseudonymised``: as the scrutineer reads them
    (``comments_pseudonymise``; one more query)."""
    comments = list(
        OutcomeComment.objects.in_partnership(partnership)
        .filter(form__learning_review=learning_review)
        .select_related("author")
        .order_by("created_at", "id")
    )
    if pseudonymised and comments:
        comments_pseudonymise(
            comments=comments, redactor=children_redactor(partnership=partnership, learning_review=learning_review)
        )
    return comments


# --- What the scrutineer reads: the form and its comments, pseudonymised ----------------------------------------

WITHHELD_SECTION = "[Withheld from the scrutineer: this section describes the family.]"
WITHHELD_COMMENT = "[Withheld from the scrutineer: a comment on a section that describes the family.]"
_FAMILY_SECTIONS = frozenset(s.name for s in OUTCOMES_SECTIONS if s.describes_family)


def children_redactor(*, partnership: Partnership, learning_review: LearningReview) -> Redactor:
    """Scrubs text of the children of the rapid review the review came from (each to their pseudonym, their
    dates of birth and addresses removed) and of contact details; members' names are left (one query)."""
    return Redactor(children=child_identities_for_redaction(partnership=partnership, learning_review=learning_review))


def outcomes_form_pseudonymise(*, form: OutcomesForm, redactor: Redactor) -> OutcomesForm:
    """The form as the scrutineer reads it, changed in memory and never saved (only reading views load it so).

    Each text scrubbed by ``redactor``; a section that describes the family, when written, is withheld whole
    (empty ones stay empty: that they are empty identifies nobody). The recommendation rows are scrubbed too:
    they are the prefetched rows, the same objects every later ``form.recommendations.all()`` gives.
    """
    for name in FORM_TEXT_FIELDS:
        text = getattr(form, name) or ""
        setattr(form, name, WITHHELD_SECTION if name in _FAMILY_SECTIONS and text.strip() else redactor.scrub(text))
    outcome_rows_pseudonymise(rows=form.recommendations.all(), redactor=redactor)
    return form


def outcome_rows_pseudonymise(*, rows: Iterable[OutcomeRecommendation], redactor: Redactor) -> None:
    """The form's SMART rows as the scrutineer reads them, changed in memory and never saved."""
    for row in rows:
        row.action = redactor.scrub(row.action)
        row.person_responsible = redactor.scrub(row.person_responsible)
        row.timeframe = redactor.scrub(row.timeframe)


def comments_pseudonymise(*, comments: list[OutcomeComment], redactor: Redactor) -> list[OutcomeComment]:
    """Comments as the scrutineer reads them, changed in memory and never saved: each body scrubbed, or
    withheld when it comments on a section that describes the family."""
    for comment in comments:
        comment.body = WITHHELD_COMMENT if comment.section in _FAMILY_SECTIONS else redactor.scrub(comment.body)
    return comments


# --- Documents ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionEntry:
    """One heading of the form with what was written under it, ready to show."""

    section: Section
    text: str = ""
    is_recommendations: bool = False


def outcomes_form_suggestions(*, partnership: Partnership, learning_review: LearningReview, form: OutcomesForm) -> dict:
    """What the review already knows, for fields of the form left empty: who contributed and who could
    not (from the contributors), and the date of the practitioner event.

    The one source of these values: the page offers them in the empty fields, and the print view
    and PDF show them under their headings, so the page and the PDF say the same (one query).
    """
    suggestions: dict = {}
    needs_names = not form.contributors_text.strip() or not form.unable_to_contribute.strip()
    contributors = (
        list(contributor_list(partnership=partnership, learning_review=learning_review)) if needs_names else []
    )

    def names(rows) -> str:
        return "\n".join(f"{c.person.full_name or c.person.email}, {c.agency.name}" for c in rows)

    if not form.contributors_text.strip():
        suggestions["contributors_text"] = names(c for c in contributors if not c.unable_to_contribute)
    if not form.unable_to_contribute.strip():
        suggestions["unable_to_contribute"] = names(c for c in contributors if c.unable_to_contribute)
    if form.review_date is None and learning_review.practitioner_event_on is not None:
        suggestions["review_date"] = learning_review.practitioner_event_on
    return {k: v for k, v in suggestions.items() if v}


def outcomes_document_context(
    *,
    partnership: Partnership,
    learning_review: LearningReview,
    form: OutcomesForm | None = None,
    pseudonymised: bool = False,
) -> dict:
    """What the outcomes form template needs (the print view and the PDF draw the same context).

    ``entries`` has every heading of seed 003's appendix in order, with its
    text. Deterministic for the same saved content, so rendering twice hashes
    the same and the documents service keeps one version. ``pseudonymised``
    (when no ``form`` is given): as the scrutineer reads it.
    """
    form = form or outcomes_form_get(
        partnership=partnership, learning_review=learning_review, pseudonymised=pseudonymised
    )
    known = outcomes_form_suggestions(partnership=partnership, learning_review=learning_review, form=form)
    entries = []
    for section in OUTCOMES_SECTIONS:
        if section.name == "lead_author":
            lead = learning_review.lead_author
            entries.append(SectionEntry(section, lead.full_name or lead.email))
        elif section.name == "review_date":
            review_date = form.review_date or known.get("review_date")
            entries.append(SectionEntry(section, date_format(review_date, "j F Y") if review_date else ""))
        elif section.name == "recommendations":
            entries.append(SectionEntry(section, is_recommendations=True))
        else:
            entries.append(SectionEntry(section, getattr(form, section.name) or known.get(section.name, "")))
    return {
        "partnership": partnership,
        "review": learning_review,
        "outcomes": form,
        "entries": entries,
        "recommendations": list(form.recommendations.all()),
        "is_final": learning_review.state == LearningReview.State.FINAL,
    }


def child_identities_for_redaction(*, partnership: Partnership, learning_review: LearningReview) -> list[KnownChild]:
    """The decrypted identities of the children of the rapid review this review came from (if any).

    Read only to remove them from the public summary; nothing here is shown to
    anyone, so no identity view is logged.
    """
    if learning_review.rapid_review_id is None:
        return []
    children = (
        Child.objects.in_partnership(partnership)
        .filter(incident__rapid_review=learning_review.rapid_review_id)
        .order_by("position")
    )
    return [
        KnownChild(
            pseudonym=c.pseudonym, name=c.name or "", date_of_birth=c.date_of_birth or "", address=c.address or ""
        )
        for c in children
    ]


def people_for_redaction(*, partnership: Partnership) -> dict[str, str]:
    """Every member's name (active or not: a former member can still be named in the text), each with
    what a public summary says instead: their job title and agency."""
    replacements: dict[str, str] = {}
    for m in Membership.objects.in_partnership(partnership).select_related("person", "agency"):
        name = (m.person.full_name or "").strip()
        if name:
            title = (m.job_title or "").strip()
            replacements[name] = f"{title}, {m.agency.name}" if title else f"a practitioner from {m.agency.name}"
    return replacements


# The sections a public summary keeps, in the form's order: nothing that describes the family or names people.
PUBLIC_SECTIONS: tuple[Section, ...] = tuple(
    s for s in OUTCOMES_SECTIONS if not s.identifying and s.name != "recommendations"
)
RESPONSIBLE_UNKNOWN = "The agency named in the full report"


def _responsible_agencies(text: str, *, people: dict[str, str], agencies: list[str]) -> str:
    """Who is responsible for a recommendation, as agencies and roles only, never a name."""
    found: list[str] = []
    lowered = " ".join(text.split()).casefold()
    for name, instead in people.items():
        if re.search(r"(?<!\w)" + re.escape(name.casefold()) + r"(?!\w)", lowered):
            found.append(instead)
    for agency in agencies:
        if re.search(r"(?<!\w)" + re.escape(agency.casefold()) + r"(?!\w)", lowered) and not any(
            agency in f for f in found
        ):
            found.append(agency)
    return "; ".join(dict.fromkeys(found)) or RESPONSIBLE_UNKNOWN


def public_summary_document_context(*, partnership: Partnership, learning_review: LearningReview) -> dict:
    """The redacted public summary's template context: ``summary``, plain scrubbed text (no model objects
    reach the template), and its protective marking.

    Kept: the reference, methodology, the non-identifying sections (how the
    review was undertaken, synopsis, key findings, strengths, areas to do
    better, broader learning, dissemination) scrubbed by ``reviews.redaction``,
    and the recommendations with the responsible agency or role instead of a
    person. Left out: the family's details, background and specific actions,
    how the family was involved, the lead author, contributors and anyone
    unable to contribute, and the dates of the review.
    """
    form = outcomes_form_get(partnership=partnership, learning_review=learning_review)
    people = people_for_redaction(partnership=partnership)
    redactor = Redactor(
        children=child_identities_for_redaction(partnership=partnership, learning_review=learning_review),
        people=people,
    )
    agencies = list(Agency.objects.in_partnership(partnership).values_list("name", flat=True))
    summary = {
        "partnership_name": partnership.name,
        "reference": learning_review.reference,
        "title": redactor.scrub(learning_review.title),
        "methodology": learning_review.get_methodology_display(),
        "publication": learning_review.get_publication_display() if learning_review.publication else "",
        "sections": [(s.heading, redactor.scrub(getattr(form, s.name))) for s in PUBLIC_SECTIONS],
        "recommendations": [
            {
                "action": redactor.scrub(r.action),
                "responsible": _responsible_agencies(r.person_responsible, people=people, agencies=agencies),
                "timeframe": redactor.scrub(r.timeframe),
            }
            for r in form.recommendations.all()
        ],
    }
    # Meant for the public: not marked OFFICIAL-SENSITIVE like the full form.
    return {"summary": summary, "protective_marking": "OFFICIAL"}


def outcomes_document_title(learning_review: LearningReview) -> str:
    return f"Learning Review Outcomes Form {learning_review.reference}"


def public_summary_title(learning_review: LearningReview) -> str:
    return f"Public summary of learning review {learning_review.reference}"

"""Subjects: the things that carry deadlines, sign-offs, documents and history, declared once each.

The kernel's shared tables (``Deadline``, ``SignOff``, ``Document``,
``HistoryEntry``, ``AccessGrant``) point at their subject generically.
What the kernel needs to know about a subject it learns from the subject's
declared ``SubjectType``, never by guessing (``hasattr``) or from URL strings
stored beside it:

- its partnership (``subject.partnership_id``: every subject is a tenant row);
- its page (``url``), computed when needed, so a renamed route or slug never
  leaves a stale link behind;
- who may see it (``visible_to``) and who may read its documents
  (``documents_readable_by``: per object, not only per role);
- who signs it off (``sign_off_approvers``) and what its own workflow does when
  a sign-off round completes or is sent back (``sign_off_settled``), wherever
  the approval was given (the generic sign-off page, the subject's own page,
  the API).

An app declares its subjects in its ``subjects`` module, loaded from its
``AppConfig.ready``::

    @subject_type(RapidReviewDecision)
    class DecisionSubject(SubjectType):
        def url(self, subject): ...

A model with no declaration cannot be given a deadline, a sign-off or a
document (``subject_type_for`` raises ``LookupError``): an undeclared subject
is a programming error found by the first test that touches it.

This module is the kernel's vocabulary only: it imports models, and the apps
import it. ``partnership.models`` cannot import it (models sit below).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, runtime_checkable

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from partnership.models import Agency, Membership, Partnership, Person, Role
from partnership.models.signoff import STATUTORY_APPROVERS, Approver
from partnership.row_urls import url_for_each

if TYPE_CHECKING:
    from partnership.models import Deadline, Document, DocumentVersion, SignOff


@runtime_checkable
class Subject(Protocol):
    """A tenant row that can carry deadlines, sign-offs, documents and history."""

    pk: int
    partnership_id: int


S = TypeVar("S", bound=models.Model)


class SubjectType(Generic[S]):
    """What the kernel asks of one kind of subject. Override what differs from these defaults.

    The defaults are the strict ones: nobody but the business managers sees a
    subject whose type does not say otherwise, and its documents are read by
    those who may see it and whom the document's ``audience`` (roles) admits.
    """

    model: type[S]
    # The route of the subject's own page when its id is all the route needs: (view name, id keyword), the
    # partnership's slug given too. Declared, it gives ``url`` and ``deadline_url_from_id`` both, so the two
    # cannot differ; a type overriding ``url`` or ``deadline_url`` writes its own ``deadline_url_from_id``.
    page: tuple[str, str] | None = None

    def url(self, subject: S) -> str:
        """The path of the subject's own page (no host). Empty when it has none."""
        if self.page is None:
            return ""
        viewname, id_kwarg = self.page
        return reverse(viewname, kwargs={"slug": subject.partnership.slug, id_kwarg: subject.pk})

    def deadline_url(self, subject: S, kind: str) -> str:
        """Where the work of the subject's deadline of ``kind`` is done (links in "my tasks" and reminders).

        By default the link ``deadline_url_from_id`` builds when it can, else
        the subject's own page. A subject whose deadlines are done elsewhere (an
        agency's return, the comments page) says so by kind, in
        ``deadline_url_from_id`` where its ids are enough, so that the loaded
        subject and its id give one link; here only where it needs the subject.
        """
        from_id = self.deadline_url_from_id(SubjectLinks(subject.partnership), subject.pk, kind)
        return self.url(subject) if from_id is None else from_id

    def deadline_url_from_id(self, links: SubjectLinks, subject_id: int, kind: str) -> str | None:
        """``deadline_url`` worked out from the subject's id alone, for a type whose links need nothing else of it.

        "My tasks" shows up to a hundred of a business manager's hundreds of
        deadlines: a type that answers here spares loading its subjects for
        their links (a query per kind of subject). Build the link with
        ``links.url`` (each route reversed once for the request). ``None``, the
        default: the subject is loaded and ``deadline_url`` asked, which by
        default gives this link too (``tests/partnership/test_subject_links.py``
        checks the two agree for every declared type).
        """
        cls = type(self)
        if self.page is None or cls.url is not SubjectType.url or cls.deadline_url is not SubjectType.deadline_url:
            return None
        viewname, id_kwarg = self.page
        return links.url(viewname, **{id_kwarg: subject_id})

    def visible_to(self, subject: S, membership: Membership) -> bool:
        """Whether this member of the subject's partnership may see the subject at all."""
        return membership.has_role(Role.BUSINESS_MANAGER)

    def documents_readable_by(self, subject: S, document: Document, membership: Membership) -> bool:
        """Whether the member may open this document of the subject (status page, download, lists).

        The default: the member may see the subject and holds one of the
        document's ``audience`` roles (an empty audience: anyone who may see the
        subject). A subject type narrows it per object (an agency lead reads
        their own agency's return and nobody else's).
        """
        if not self.visible_to(subject, membership):
            return False
        return not document.audience or bool(set(document.audience) & membership.role_set)

    def render_beside_pdf(self, *, partnership: Partnership, document: Document, version_id: int) -> None:
        """Make the files the subject keeps beside a version's PDF (a scrutiny report's Word copy), in the worker.

        Called by the render (``document_render_version``) after the PDF is made and before the version is
        stored READY, so a version is ready only with all its files; raising fails the version like a failed PDF,
        and asking for it again makes them all afresh. Make them from what was stored with the version when it
        was asked for, never from the records as they are now, so they show the same data as its PDF. Safe to
        run twice. By default nothing.
        """

    def downloads_beside_pdf(self, subject: S, version: DocumentVersion) -> list[tuple[str, str]]:
        """The files kept beside a READY version's PDF, as (link text, path), offered beside the PDF on the
        version's status page to whoever may open the document. By default none, and no query."""
        return []

    def breach_recipients(self, subjects: list[S]) -> dict[int, list[tuple[Person, str]]]:
        """Who hears of an overdue deadline of these subjects besides its assignee and the business managers.

        Called by the deadline sweep once per kind of subject, with every subject
        of that kind whose deadline is escalated in the sweep, so an override
        answers for all of them in one query (the sweep's query count stays
        fixed). Returns, by subject id, each person with the capacity they are
        told in ("the agency lead of ..."). By default nobody, and no query.
        """
        return {}

    def sign_off_approvers(self, subject: S) -> tuple[Approver, ...]:
        """Who must approve a sign-off of this subject, when the request names nobody: the three partners."""
        return STATUTORY_APPROVERS

    def sign_off_prepare(self, *, partnership: Partnership, subject: S) -> None:
        """Called before any decision on the subject's sign-off, inside its transaction, before its lock.

        Lock the subject's own workflow row here (so every way of deciding
        takes the locks in the same order) and refuse (``ValidationError``)
        when the workflow is not waiting for the sign-off.
        """

    def sign_off_settled(
        self, *, partnership: Partnership, subject: S, sign_off: SignOff, actor: Person, reason: str
    ) -> None:
        """The one hook of the subject's workflow: a round was completed (``sign_off.state`` approved) or sent back.

        Runs inside the decision's transaction, after the sign-off has moved, so
        that the subject's own state moves with it or neither does.
        """


class SubjectLinks:
    """Links to one partnership's pages from ids, each route reversed once however many rows it links
    (``partnership.row_urls``): what ``SubjectType.deadline_url_from_id`` builds its links with."""

    def __init__(self, partnership: Partnership) -> None:
        self.slug = partnership.slug
        self._routes: dict[tuple[str, str], Callable[[int], str]] = {}

    def url(self, viewname: str, **id_kwarg: int) -> str:
        """``reverse(viewname, kwargs={"slug": ..., **id_kwarg})``, the one keyword being the route's id."""
        ((name, pk),) = id_kwarg.items()
        route = self._routes.get((viewname, name))
        if route is None:
            route = self._routes[viewname, name] = url_for_each(viewname, id_kwarg=name, slug=self.slug)
        return route(pk)


_REGISTRY: dict[type[models.Model], SubjectType] = {}


def subject_type(model: type[S]) -> Callable[[type[SubjectType[S]]], type[SubjectType[S]]]:
    """Declare ``model`` a subject, described by the decorated ``SubjectType`` subclass."""

    def register(cls: type[SubjectType[S]]) -> type[SubjectType[S]]:
        if model in _REGISTRY and type(_REGISTRY[model]) is not cls:
            raise RuntimeError(f"{model.__name__} is declared a subject twice.")
        instance = cls()
        instance.model = model
        _REGISTRY[model] = instance
        return cls

    return register


def subject_unregister(model: type[models.Model]) -> None:
    """Forget a declaration (tests that declare a subject of their own)."""
    _REGISTRY.pop(model, None)


def subject_type_for(subject: models.Model | type[models.Model]) -> SubjectType:
    """The declared type of a subject (or of a model); ``LookupError`` when it was never declared."""
    model = subject if isinstance(subject, type) else type(subject)
    model = model._meta.concrete_model
    try:
        return _REGISTRY[model]
    except KeyError:
        raise LookupError(
            f"{model.__name__} is not a declared subject: declare it with partnership.subjects.subject_type."
        ) from None


def is_subject(subject: object) -> bool:
    return isinstance(subject, models.Model) and type(subject)._meta.concrete_model in _REGISTRY


def subjects_load(
    references: Iterable[tuple[int, int]],
    *,
    queryset_for: Callable[[type[models.Model], set[int]], Iterable[models.Model]],
) -> dict[tuple[int, int], models.Model]:
    """The subjects of generic references, (content type id, object id), by reference: one query per kind of
    subject, each asked of ``queryset_for(model, ids)`` (which narrows it to a partnership, or loads what the caller
    reads). A reference whose model is gone, or whose row is, is not in the answer."""
    ids_by_type: dict[int, set[int]] = defaultdict(set)
    for type_id, object_id in references:
        ids_by_type[type_id].add(object_id)
    subjects: dict[tuple[int, int], models.Model] = {}
    for type_id, ids in ids_by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()  # cached by Django after the first
        if model is not None:
            subjects.update(((type_id, subject.pk), subject) for subject in queryset_for(model, ids))
    return subjects


def subject_url(subject: models.Model | None) -> str:
    """The path of a subject's page, or "" when there is none (a removed subject, one with no page)."""
    if subject is None or not is_subject(subject):
        return ""
    return subject_type_for(subject).url(subject)


def deadline_url(deadline: Deadline) -> str:
    """The path where a deadline's work is done, computed from its subject's declaration ("" without one).

    Loads the subject unless the caller prefetched it (``deadlines_with_subjects``).
    """
    subject = deadline.subject
    if subject is None or not is_subject(subject):
        return ""
    return subject_type_for(subject).deadline_url(subject, deadline.kind)


def deadline_url_from_id(links: SubjectLinks, *, subject_type_id: int, subject_id: int, kind: str) -> str | None:
    """A deadline's link from its subject's id when its type can say it without the subject (no query: the content
    type is Django's cached one); ``None`` when the subject must be loaded for it (``deadline_url``), or when its
    model is no longer a declared subject."""
    model = ContentType.objects.get_for_id(subject_type_id).model_class()
    if model is None:
        return None
    try:
        declared = subject_type_for(model)
    except LookupError:
        return None
    return declared.deadline_url_from_id(links, subject_id, kind)


def subject_visible_to(subject: models.Model | None, membership: Membership) -> bool:
    """Whether the member may see the subject: only within its own partnership, and as its type says."""
    if subject is None or membership is None or subject.partnership_id != membership.partnership_id:
        return False
    return subject_type_for(subject).visible_to(subject, membership)


def subject_documents_readable_by(subject: models.Model | None, document: Document, membership: Membership) -> bool:
    """Whether the member may open ``document`` of ``subject`` (a removed subject's documents: nobody)."""
    if subject is None or document.partnership_id != membership.partnership_id:
        return False
    if subject.partnership_id != document.partnership_id:
        return False
    return subject_type_for(subject).documents_readable_by(subject, document, membership)


def subject_downloads_beside_pdf(subject: models.Model | None, version: DocumentVersion) -> list[tuple[str, str]]:
    """The files its subject keeps beside a version's PDF (``SubjectType.downloads_beside_pdf``); none for a
    removed subject."""
    if subject is None or not is_subject(subject):
        return []
    return subject_type_for(subject).downloads_beside_pdf(subject, version)


# --- The kernel's own subject ------------------------------------------------------------------------

# Roles whose holders act for their own agency: given one of these, a member reads an agency's
# documents only when it is their agency (an agency lead opens their own agency's Section 11 summary,
# nobody else's).
AGENCY_SCOPED_ROLES = frozenset({Role.AGENCY_LEAD, Role.PRACTITIONER})


@subject_type(Agency)
class AgencySubject(SubjectType[Agency]):
    """An agency: its deadlines, sign-offs and documents (a Section 11 return and its summary)."""

    page = ("partnership:agency_detail", "agency_id")

    def visible_to(self, subject: Agency, membership: Membership) -> bool:
        return True  # every member sees the partnership's agencies

    def documents_readable_by(self, subject: Agency, document: Document, membership: Membership) -> bool:
        if not document.audience:
            return True
        admitted_by = set(document.audience) & membership.role_set
        if admitted_by - AGENCY_SCOPED_ROLES:
            return True  # a partnership-wide role (a business manager, a partner lead...)
        return bool(admitted_by) and membership.agency_id == subject.pk

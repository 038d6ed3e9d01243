"""The kernel: partnerships (the tenants), agencies, people, memberships and roles.

Every tenant-owned model carries a non-null ``partnership`` foreign key and is
read through ``TenantQuerySet.in_partnership``; there is no default tenant.
"""

from __future__ import annotations

import sys
import traceback
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from partnership.figures_cache import figures_changed


class Nation(models.TextChoices):
    """The UK nation whose bank holidays apply (holidays' GB subdivision codes)."""

    ENGLAND = "ENG", "England"
    WALES = "WLS", "Wales"
    SCOTLAND = "SCT", "Scotland"
    NORTHERN_IRELAND = "NIR", "Northern Ireland"


class StatutoryPartner(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"


class AgencyType(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    VOLUNTARY_AND_COMMUNITY = "voluntary_community", "Voluntary and community"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    BUSINESS_MANAGER = "business_manager", "Business manager"
    PARTNER_LEAD_LOCAL_AUTHORITY = "partner_lead_local_authority", "Partner lead (local authority)"
    PARTNER_LEAD_HEALTH = "partner_lead_health", "Partner lead (health)"
    PARTNER_LEAD_POLICE = "partner_lead_police", "Partner lead (police)"
    PRACTITIONER = "practitioner", "Practitioner"
    AGENCY_LEAD = "agency_lead", "Agency lead"
    SCRUTINEER = "scrutineer", "Independent scrutineer"
    LAY_MEMBER = "lay_member", "Lay member"
    OBSERVER = "observer", "Observer"


PARTNER_LEAD_ROLES: dict[str, str] = {
    Role.PARTNER_LEAD_LOCAL_AUTHORITY: StatutoryPartner.LOCAL_AUTHORITY,
    Role.PARTNER_LEAD_HEALTH: StatutoryPartner.HEALTH,
    Role.PARTNER_LEAD_POLICE: StatutoryPartner.POLICE,
}

# The role sets the apps' rules are made of, defined once. A rule names its own set after what it
# allows (``IDENTITY_ROLES = LEADERSHIP_ROLES``) so the two can part later without a search.
# The partnership's managers: the business managers, who run it.
MANAGER_ROLES = frozenset({Role.BUSINESS_MANAGER})
# The managers and the three statutory partners' leads: who sees identities and decides.
LEADERSHIP_ROLES = frozenset({Role.BUSINESS_MANAGER, *PARTNER_LEAD_ROLES})
# Leadership and the independent scrutineer: who oversees the partnership's reviews.
OVERSIGHT_ROLES = frozenset({*LEADERSHIP_ROLES, Role.SCRUTINEER})
# Leadership and the people who do the case work in agencies.
CASE_WORK_ROLES = frozenset({*LEADERSHIP_ROLES, Role.PRACTITIONER, Role.AGENCY_LEAD})

# Roles whose holders see the most sensitive material or decide: they must
# pass a second factor before any partnership data is shown to them.
SECOND_FACTOR_ROLES = frozenset(
    {
        Role.BUSINESS_MANAGER,
        Role.PARTNER_LEAD_LOCAL_AUTHORITY,
        Role.PARTNER_LEAD_HEALTH,
        Role.PARTNER_LEAD_POLICE,
        Role.SCRUTINEER,
    }
)


class TenantScopeError(RuntimeError):
    """A query of tenant-owned rows named no partnership: refused before it reaches the database."""


# Lookups after ``partnership`` that still pin the query to the partnerships named
# (``partnership=p``, ``partnership_id__in=ids``, ``partnership__slug=slug``).
_PINNING_LOOKUPS = frozenset({"exact", "in", "id", "pk", "slug"})
# Scopes a queryset can carry; None is "not scoped yet", which evaluation refuses.
SCOPE_PARTNERSHIP = "partnership"
SCOPE_PARENT = "parent"
SCOPE_DANGEROUSLY_UNSCOPED = "dangerously_unscoped"


def _is_tenant_row(value) -> bool:
    return isinstance(value, TenantModel | Partnership) and value.pk is not None


def _pins_a_parent(model: type[models.Model], name: str, rest: list[str], value) -> bool:
    """``learning_review=review``: a foreign key to a tenant row already loaded (or to a scoped queryset).

    The database refuses a child whose partnership differs from its parent's
    (partnership.tenancy_db), so naming a loaded parent names its partnership. A bare id
    (``learning_review_id=7``) is not a loaded row, and does not count.
    """
    if not set(rest) <= {"exact", "in"}:
        return False
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    if not (field.many_to_one or field.one_to_one) or not field.concrete:
        return False
    if not issubclass(field.related_model, TenantModel):
        return False
    if isinstance(value, TenantQuerySet):
        return value._tenant_scope is not None
    if isinstance(value, list | tuple | set | frozenset):
        return bool(value) and all(_is_tenant_row(v) for v in value)
    return _is_tenant_row(value)


def _names_a_scope(model: type[models.Model], args: tuple, kwargs: dict) -> bool:
    """Whether filter(*args, **kwargs) pins the query to known partnerships (AND-ed, never negated)."""
    for key, value in kwargs.items():
        name, *rest = key.split(LOOKUP_SEP)
        if value is None:
            continue
        if name in ("partnership", "partnership_id") and set(rest) <= _PINNING_LOOKUPS:
            return True
        if _pins_a_parent(model, name, rest, value):
            return True
    return any(isinstance(arg, Q) and not arg.negated and _q_names_a_scope(model, arg) for arg in args)


def _q_names_a_scope(model: type[models.Model], q: Q) -> bool:
    def child_scoped(child) -> bool:
        if isinstance(child, Q):
            return not child.negated and _q_names_a_scope(model, child)
        if isinstance(child, tuple):
            return _names_a_scope(model, (), {child[0]: child[1]})
        return False

    if q.connector == Q.OR:
        return bool(q.children) and all(child_scoped(c) for c in q.children)
    return any(child_scoped(c) for c in q.children)


def _partnerships_named(model: type[models.Model], kwargs: dict) -> frozenset[int] | None:
    """The partnerships a filter names outright (``partnership=p``, ``partnership_id__in=ids``, a loaded parent
    row), for moving on their cached figures when the queryset writes; ``None`` when it names none that way."""
    named: set[int] = set()
    for key, value in kwargs.items():
        name, *rest = key.split(LOOKUP_SEP)
        if rest and rest[-1] == "in" and isinstance(value, list | tuple | set | frozenset):
            values = value
        elif not rest or rest in (["exact"], ["id"], ["pk"], ["id", "exact"], ["pk", "exact"]):
            values = (value,)
        else:
            continue
        for one in values:
            if name in ("partnership", "partnership_id"):
                pk = one.pk if isinstance(one, Partnership) else one
                if not isinstance(pk, int):
                    return None
                named.add(pk)
            elif _is_tenant_row(one) and _pins_a_parent(model, name, ["exact"], one):
                named.add(one.partnership_id)
    return frozenset(named) or None


SCOPE_UNIQUENESS_CHECK = "uniqueness_check"
SCOPE_TEST_CODE = "test_code"

# Django's own uniqueness checks (``full_clean``) look for a conflicting row wherever it is, as the
# database's unique constraints do; they read nothing but "exists".
_CHECKING_UNIQUENESS: ContextVar[bool] = ContextVar("tenant_checking_uniqueness", default=False)

# Source paths whose own queries may read across partnerships. Only the test suite sets it
# (tests/conftest.py), so that a test's assertions can read rows directly; a queryset made by
# application code is held to its scope in the tests as everywhere else.
TEST_CODE_PATHS: tuple[str, ...] = ()


def _made_in_test_code() -> bool:
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if "/django/" not in name and name != __file__:
            return name.startswith(TEST_CODE_PATHS)
        frame = frame.f_back
    return False


def _caller() -> str:
    """The first frame outside Django and this module: where the unscoped query was written."""
    for frame in reversed(traceback.extract_stack()[:-2]):
        if "/django/" not in frame.filename and frame.filename != __file__:
            return f"{frame.filename}:{frame.lineno}"
    return "unknown"


class TenantQuerySet(models.QuerySet):
    """Querysets of tenant-owned rows, which fail closed: evaluated without a scope, they raise.

    A queryset is scoped when it names its partnership (``in_partnership(p)``,
    ``filter(partnership=p)``, ``filter(partnership_id__in=ids)``), when it names
    a tenant parent row already loaded (``filter(learning_review=review)``, or a
    related manager such as ``review.contributors.all()``), or when the caller
    says, greppably, that it reads across partnerships:
    ``Model.objects.dangerously_unscoped()``. Anything else raises
    ``TenantScopeError`` when it would run (iteration, ``count``, ``exists``,
    ``update``, ``delete``...). Subqueries are checked where they run, as part of
    the outer query. Django's own traversals (``child.parent``, ``select_related``,
    cascades) use the plain base manager and are unaffected.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._tenant_scope: str | None = None
        # The partnerships whose cached figures a write through this queryset makes stale; None: not known, so
        # every partnership's (partnership.figures_cache).
        self._figures_partnerships: frozenset[int] | None = None

    def _clone(self):
        clone = super()._clone()
        clone._tenant_scope = self._tenant_scope
        clone._figures_partnerships = self._figures_partnerships
        return clone

    def in_partnership(self, partnership: Partnership) -> TenantQuerySet:
        if partnership is None or partnership.pk is None:
            raise ValueError("A tenant query needs a saved partnership; there is no default.")
        return self.filter(partnership=partnership)

    def dangerously_unscoped(self) -> TenantQuerySet:
        """Every partnership's rows: only for the few global reads (the deadline sweep, a worker
        loading the row it was queued for, commands, tests). Say why at the call site.

        Inside a partnership's request, PostgreSQL's row-level security still hides
        other partnerships' rows (partnership.tenancy_db).
        """
        clone = self._chain()
        clone._tenant_scope = SCOPE_DANGEROUSLY_UNSCOPED
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        if clone._tenant_scope is None and not negate and _names_a_scope(self.model, args, kwargs):
            clone._tenant_scope = SCOPE_PARTNERSHIP
        if not negate and clone._figures_partnerships is None:
            clone._figures_partnerships = _partnerships_named(self.model, kwargs)
        return clone

    def _figures_changed(self) -> None:
        if self.model.counts_in_figures:
            figures_changed(self._figures_partnerships, using=self.db)

    def __repr__(self) -> str:
        if self._tenant_scope is None and self._result_cache is None:
            return f"<{type(self).__name__} of {self.model.__name__}, not scoped to a partnership>"
        return super().__repr__()

    def _refuse_unscoped(self) -> None:
        if self._tenant_scope is None and not self.query.is_empty():
            name = self.model.__name__
            raise TenantScopeError(
                f"{name}.objects (at {_caller()}): this query names no partnership. "
                f"Use {name}.objects.in_partnership(partnership), "
                "filter on a loaded parent row (review.contributors.all()), or, for a global read, "
                f"{name}.objects.dangerously_unscoped() with a comment saying why."
            )

    # Every way a queryset reaches the database.
    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._refuse_unscoped()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._refuse_unscoped()
        return super().iterator(*args, **kwargs)

    def count(self) -> int:
        if self._result_cache is None:
            self._refuse_unscoped()
        return super().count()

    def exists(self) -> bool:
        if self._result_cache is None:
            self._refuse_unscoped()
        return super().exists()

    def contains(self, obj) -> bool:
        if self._result_cache is None:
            self._refuse_unscoped()
        return super().contains(obj)

    def aggregate(self, *args, **kwargs) -> dict:
        self._refuse_unscoped()
        return super().aggregate(*args, **kwargs)

    def in_bulk(self, *args, **kwargs) -> dict:
        self._refuse_unscoped()
        return super().in_bulk(*args, **kwargs)

    def update(self, **kwargs) -> int:
        self._refuse_unscoped()
        updated = super().update(**kwargs)
        if updated:
            self._figures_changed()
        return updated

    update.alters_data = True

    def delete(self):
        self._refuse_unscoped()
        deleted = super().delete()
        if deleted[0]:
            self._figures_changed()
        return deleted

    delete.alters_data = True
    delete.queryset_only = True

    def explain(self, *args, **kwargs) -> str:
        self._refuse_unscoped()
        return super().explain(*args, **kwargs)

    # Writes of rows in hand: their own partnerships' figures are stale.
    def bulk_create(self, objs, *args, **kwargs):
        made = super().bulk_create(objs, *args, **kwargs)
        if self.model.counts_in_figures:
            figures_changed({obj.partnership_id for obj in made}, using=self.db)
        return made

    bulk_create.alters_data = True

    def bulk_update(self, objs, *args, **kwargs) -> int:
        objs = list(objs)
        # Django updates them through filter(pk__in=...).update(): name their partnerships to that update.
        named = self._chain()
        named._figures_partnerships = frozenset(obj.partnership_id for obj in objs)
        return super(TenantQuerySet, named).bulk_update(objs, *args, **kwargs)

    bulk_update.alters_data = True


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    """The default manager of every tenant model (``TenantModel.objects``).

    A related manager built from it (``review.contributors``, ``incident.agencies``)
    is scoped by the tenant row it hangs from. Not used in migrations: their
    historical models get a plain manager.
    """

    def get_queryset(self) -> TenantQuerySet:
        queryset = super().get_queryset()
        # Related managers carry the row they hang from as ``instance``.
        if _is_tenant_row(getattr(self, "instance", None)):
            queryset._tenant_scope = SCOPE_PARENT
            parent = self.instance
            # ``partnership.agencies`` hangs from the partnership itself; ``review.contributors`` from a tenant row.
            queryset._figures_partnerships = frozenset(
                {parent.pk if isinstance(parent, Partnership) else parent.partnership_id}
            )
        elif _CHECKING_UNIQUENESS.get():
            queryset._tenant_scope = SCOPE_UNIQUENESS_CHECK
        elif TEST_CODE_PATHS and _made_in_test_code():
            queryset._tenant_scope = SCOPE_TEST_CODE
        return queryset


class TenantModel(models.Model):
    """A row owned by exactly one partnership.

    Its default manager fails closed (``TenantQuerySet``), and every foreign key
    from one tenant model to another is held to the same partnership by the
    database (``partnership.tenancy_db``).
    """

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()

    # Whether a write of these rows can change a figure worked out from the partnership's records, so that cached
    # figures are stale (partnership.figures_cache). False only for rows no figure counts whose writes come often,
    # such as a file's progress while the worker makes it.
    counts_in_figures = True

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        if self.counts_in_figures:
            figures_changed({self.partnership_id}, using=self._state.db)

    save.alters_data = True

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        if self.counts_in_figures:
            figures_changed({self.partnership_id}, using=self._state.db or "default")
        return deleted

    delete.alters_data = True

    def _perform_unique_checks(self, unique_checks):
        token = _CHECKING_UNIQUENESS.set(True)
        try:
            return super()._perform_unique_checks(unique_checks)
        finally:
            _CHECKING_UNIQUENESS.reset(token)

    def validate_constraints(self, exclude=None) -> None:
        token = _CHECKING_UNIQUENESS.set(True)
        try:
            super().validate_constraints(exclude=exclude)
        finally:
            _CHECKING_UNIQUENESS.reset(token)


class SubjectModel(models.Model):
    """A row that can carry deadlines, sign-offs and documents, and be shared (see ``partnership.subjects``).

    The generic relations make those rows go with it: deleting a subject (or
    whatever it cascades from) deletes its deadlines and their notices, its
    sign-offs and their decisions, its documents with their versions and
    download log, and the access grants that show it, so no row points at nothing.
    Its history stays (it names the subject and is the record of its removal).
    """

    subject_deadlines = GenericRelation(
        "partnership.Deadline", content_type_field="subject_type", object_id_field="subject_id"
    )
    subject_sign_offs = GenericRelation(
        "partnership.SignOff", content_type_field="subject_type", object_id_field="subject_id"
    )
    subject_documents = GenericRelation(
        "partnership.Document", content_type_field="subject_type", object_id_field="subject_id"
    )
    subject_access_grants = GenericRelation(
        "partnership.AccessGrant", content_type_field="content_type", object_id_field="object_id"
    )

    class Meta:
        abstract = True


class Partnership(models.Model):
    slug_validator = RegexValidator(
        r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        "Use lower-case letters, numbers and single hyphens, for example 'north-county'.",
    )

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True, validators=[slug_validator])
    nation = models.CharField(
        max_length=3,
        choices=Nation.choices,
        default=Nation.ENGLAND,
        help_text="Whose bank holidays count when working days are added up.",
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        default=2,
        help_text="How many working days before a due date people are reminded (0: on the day).",
    )
    # The partnership's own reference series (partnership/references.py): "{number}" is the running number.
    incident_reference_pattern = models.CharField(max_length=20, default="SI-{year}-{number}")
    learning_review_reference_pattern = models.CharField(max_length=20, default="LR-{year}-{number}")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The version of the settings: a form drawn before the last change is refused, not applied over it.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ClosureDay(TenantModel):
    """A day the partnership adds to the bank holidays, e.g. a winter closure."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="closure_days")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "date"], name="closure_day_unique_per_partnership")
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}" + (f" ({self.reason})" if self.reason else "")


class Collaboration(models.Model):
    """A group of partnerships (e.g. a tri-borough forum) that share chosen items explicitly."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    partnerships = models.ManyToManyField(Partnership, related_name="collaborations", blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(SubjectModel, TenantModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agencies")
    name = models.CharField(max_length=200)
    agency_type = models.CharField(max_length=30, choices=AgencyType.choices)
    statutory_partner = models.CharField(
        max_length=20,
        choices=StatutoryPartner.choices,
        blank=True,
        default="",
        help_text="Set on exactly one agency per kind: the partnership's statutory partner.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique_per_partnership"),
            models.UniqueConstraint(
                fields=["partnership", "statutory_partner"],
                condition=~Q(statutory_partner=""),
                name="one_statutory_partner_of_each_kind",
            ),
            # The statutory partner for health must be a health agency, and so on.
            models.CheckConstraint(
                condition=Q(statutory_partner="") | Q(statutory_partner=models.F("agency_type")),
                name="statutory_partner_matches_agency_type",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> Person:
        if not email:
            raise ValueError("A person needs an email address.")
        person = self.model(email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **extra) -> Person:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Person(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in. Their rights in a partnership come from their membership there."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    # A program of the partnership's own (a reporting system, a case management system) that uses
    # the API with tokens a business manager issues; it has no password and never signs in to pages.
    is_service_account = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        indexes = [
            # The member lists' order: the first page of a large partnership walks this index and stops
            # at 25 members, instead of joining and sorting every member (tests/benchmarks: 35 to 3.5 ms).
            models.Index(fields=["full_name", "email"], name="person_name_email"),
            # The few closed accounts: "can the assignee still act?" (partnership.selectors.deadlines) asks whether
            # theirs is one of these, which PostgreSQL answers from this small index instead of hashing every
            # person in the database (issue 13: the "my tasks" deadline query grew with the national volume).
            models.Index(fields=["id"], condition=models.Q(is_active=False), name="person_inactive"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email


class Membership(TenantModel):
    """A person's place in one partnership: their agency and roles there."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # The version of the membership, roles included (services move it on when only the roles change),
    # so that an edit made from an out-of-date page is refused instead of overwriting someone else's.
    updated_at = models.DateTimeField(auto_now=True)
    # When the person's rights here last changed (roles, deactivation, reactivation). An API token
    # issued before this carries no second factor for this partnership: it must be issued again.
    access_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person__full_name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "person"], name="one_membership_per_partnership")]

    def __str__(self) -> str:
        return f"{self.person} in {self.partnership}"

    @property
    def role_set(self) -> frozenset[str]:
        """The roles held, from prefetched rows where a selector has loaded them."""
        return frozenset(r.role for r in self.roles.all())

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def needs_second_factor(self) -> bool:
        return bool(self.role_set & SECOND_FACTOR_ROLES)

    @property
    def partner_lead_for(self) -> list[str]:
        return [PARTNER_LEAD_ROLES[r] for r in self.role_set if r in PARTNER_LEAD_ROLES]


class MembershipRole(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=40, choices=Role.choices)

    class Meta:
        ordering = ["role"]
        constraints = [models.UniqueConstraint(fields=["membership", "role"], name="role_once_per_membership")]

    def __str__(self) -> str:
        return self.get_role_display()


class Invitation(TenantModel):
    """An emailed link that lets a person set a password and join a partnership."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"
        EXPIRED = "expired", "Expired"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    full_name = models.CharField(max_length=200)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="invitations")
    roles = models.JSONField(default=list)
    # Only a hash is stored: a leaked database does not yield working links.
    token_hash = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Empty when an operator onboarded the partnership (manage.py create_partnership).
    invited_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "email"],
                condition=Q(status="pending"),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.email}"

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles if r in Role.values]


class HistoryEntry(TenantModel):
    """Who created, changed or deleted a row of tenant data, and which fields."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        DELETED = "deleted", "Deleted"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="history")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    # The one column type of generic object ids (deadlines, sign-offs, documents, history, grants): every key is a
    # BigAutoField, so the join to the object compares integers, not text.
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    # {"field": {"from": ..., "to": ...}} with values as shown to people.
    changes = models.JSONField(default=dict)
    reason = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "history entries"
        indexes = [models.Index(fields=["partnership", "content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


# django-guardian with direct foreign keys: per-object grants join on a real
# column (fast, no orphans) instead of a generic object_pk string.
class AgencyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)


class AgencyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Agency, on_delete=models.CASCADE)


# The shared workflow pieces live in modules of their own; importing them here registers them with Django.
from partnership.models.access import AccessGrant, AccessGrantView, ApiToken  # noqa: E402, F401
from partnership.models.deadlines import Deadline, DeadlineNotice  # noqa: E402, F401
from partnership.models.documents import Document, DocumentDownload, DocumentVersion  # noqa: E402, F401
from partnership.models.exports import ExportJob  # noqa: E402, F401
from partnership.models.mail import OutboundEmail  # noqa: E402, F401
from partnership.models.priorities import Priority  # noqa: E402, F401
from partnership.models.recommendations import (  # noqa: E402, F401
    Action,
    ActionPlan,
    ActionUpdate,
    Dissemination,
    LearningTheme,
    ProgressReport,
    Recommendation,
    RecommendationRound,
    RecommendationRoundItem,
    StoredFile,
    ThemeTag,
)
from partnership.models.signoff import SignOff, SignOffAction  # noqa: E402, F401

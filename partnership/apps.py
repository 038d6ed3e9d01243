from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class PartnershipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partnership"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        # Declares the kernel's own subjects (agencies).
        from partnership import recommendation_records, recommendation_subjects, subjects  # noqa: F401
        from partnership.models import Agency
        from partnership.sharing import shareable_register

        # An agency's public facts: nothing about its people or case work.
        shareable_register(
            model=Agency,
            label="Agency",
            fields={"name": "Name", "agency_type": "Type", "statutory_partner": "Statutory partner"},
        )

        from axes.signals import user_locked_out

        user_locked_out.connect(_sign_in_locked_out, dispatch_uid="partnership.sign_in_locked_out")

        from partnership.tenancy_db import tenant_integrity_after_migrate

        # Once per migrate (this app's signal), after every app's migrations: see partnership.tenancy_db.
        post_migrate.connect(tenant_integrity_after_migrate, sender=self, dispatch_uid="tenant_integrity")

        _connect_figures_changed()


def _connect_figures_changed() -> None:
    """Writes the tenant rows' own save, delete and querysets do not see also make cached figures stale
    (partnership.figures_cache): a partnership's settings (its nation decides its bank holidays), a person's
    name (kept pages show it), and the many-to-many links between tenant rows (an incident's agencies, a feedback
    session's themes)."""
    from partnership.models import Partnership, Person, TenantModel

    post_save.connect(_partnership_changed, sender=Partnership, dispatch_uid="figures_partnership_saved")
    post_save.connect(_person_changed, sender=Person, dispatch_uid="figures_person_saved")
    post_delete.connect(_partnership_changed, sender=Partnership, dispatch_uid="figures_partnership_deleted")
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(_tenant_links_changed, sender=through, dispatch_uid=f"figures_{through._meta.label}")


def _partnership_changed(sender, instance, using: str, **kwargs) -> None:
    from partnership.figures_cache import figures_changed

    figures_changed({instance.pk}, using=using)


# What kept pages show of a person (a plan version's author, a task's owner): not the sign-ins' last_login.
_PERSON_SHOWN = frozenset({"full_name", "email", "is_active"})


def _person_changed(sender, instance, using: str, update_fields=None, **kwargs) -> None:
    from partnership.figures_cache import figures_changed

    if update_fields is None or _PERSON_SHOWN & set(update_fields):
        # A person is no partnership's row: every partnership's figures (a rare write, a name or an address).
        figures_changed(None, using=using)


def _tenant_links_changed(sender, instance, action: str, using: str, **kwargs) -> None:
    from partnership.figures_cache import figures_changed

    if action in ("post_add", "post_remove", "post_clear"):
        # Changed from the other end (a person's side of a link, say), the partnership is not in hand: every one's.
        partnership_id = getattr(instance, "partnership_id", None)
        figures_changed(None if partnership_id is None else {partnership_id}, using=using)


def _sign_in_locked_out(sender, request, username: str, ip_address: str | None, **kwargs) -> None:
    """django-axes says a sign-in is locked out: tell the account's owner, once, when the lockout starts.

    axes sends the signal again for each attempt made while locked; only the attempt that reached
    the limit carries ``axes_failures_since_start`` equal to it.
    """
    from django.conf import settings

    from partnership.services.lockout import sign_in_lockout_notify

    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    sign_in_lockout_notify(username=username, ip_address=ip_address)

from django.apps import AppConfig
from django.db.models.signals import post_migrate


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

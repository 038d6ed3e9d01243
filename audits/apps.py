from django.apps import AppConfig


class AuditsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = "Audits"

    def ready(self) -> None:
        # Declares the self-assessment returns and cycles (deadlines) to the kernel.
        from audits import subjects  # noqa: F401

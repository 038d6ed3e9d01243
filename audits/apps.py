from django.apps import AppConfig


class AuditsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = "Audits"

    def ready(self) -> None:
        # Declares the audits' subjects to the kernel: case audit returns and rounds, self-assessment returns
        # and cycles (their tasks are kernel deadlines).
        from audits import subjects  # noqa: F401

        # Findings raised as recommendations name their round (kind "audit round") as their source.
        from audits.recommendation_declarations import register

        register()

        # The self-assessment spreadsheets the worker writes: the compliance matrix, every return of a cycle.
        from audits import export_declarations

        export_declarations.register()

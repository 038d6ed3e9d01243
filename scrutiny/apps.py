from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scrutiny"
    verbose_name = "Scrutiny"

    def ready(self) -> None:
        # Challenges are subjects (their answer's deadline, history), and so are the reports (a report's versions,
        # each a PDF and its Word copy; an agency annual report's deadline); challenges and the scrutiny plan's
        # activities are sources of recommendations (partnership.recommendation_sources).
        from scrutiny import subjects  # noqa: F401
        from scrutiny.recommendation_declarations import register as register_recommendation_source

        register_recommendation_source()

        # Every selector module is imported so that the reports' section providers (``scrutiny.report_sections``)
        # register themselves, whichever part of scrutiny they come from.
        import importlib
        import pkgutil

        import scrutiny.selectors

        for module in pkgutil.iter_modules(scrutiny.selectors.__path__):
            importlib.import_module(f"scrutiny.selectors.{module.name}")

from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scrutiny"
    verbose_name = "Scrutiny"

    def ready(self) -> None:
        # The reports' subjects (a report's PDF versions, an agency annual report's deadline) and the DOCX export.
        from scrutiny import subjects  # noqa: F401
        from scrutiny.export_declarations import register as register_report_export

        register_report_export()

        # Every selector module is imported so that the reports' section providers (``scrutiny.report_sections``)
        # register themselves, whichever part of scrutiny they come from.
        import importlib
        import pkgutil

        import scrutiny.selectors

        for module in pkgutil.iter_modules(scrutiny.selectors.__path__):
            importlib.import_module(f"scrutiny.selectors.{module.name}")

from django.apps import AppConfig


class ScrutinyConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scrutiny"
    verbose_name = "Scrutiny"

    def ready(self) -> None:
        # Every selector module is imported so that the reports' section providers (``scrutiny.report_sections``)
        # register themselves, whichever part of scrutiny they come from.
        import importlib
        import pkgutil

        import scrutiny.selectors

        for module in pkgutil.iter_modules(scrutiny.selectors.__path__):
            importlib.import_module(f"scrutiny.selectors.{module.name}")

        # The scrutiny plan's activities are a source of recommendations (partnership.recommendation_sources).
        from scrutiny import recommendation_declarations

        recommendation_declarations.register()

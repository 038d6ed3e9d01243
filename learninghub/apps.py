from django.apps import AppConfig


class LearningHubConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learninghub"
    verbose_name = "Learning hub"

    def ready(self) -> None:
        import importlib
        import pkgutil

        import learninghub.selectors

        # Declares the hub's subjects to the kernel: cycles and their checklist tasks (the tasks' due dates are
        # kernel deadlines).
        from learninghub import subjects  # noqa: F401

        # Every selector module is imported so that the findings report's section providers
        # (``learninghub.report_sections``) register themselves, whichever part of the hub they come from.
        for module in pkgutil.iter_modules(learninghub.selectors.__path__):
            importlib.import_module(f"learninghub.selectors.{module.name}")

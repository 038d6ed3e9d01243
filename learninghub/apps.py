from django.apps import AppConfig


class LearningHubConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learninghub"
    verbose_name = "Learning hub"

    def ready(self) -> None:
        # Declares the hub's subjects to the kernel: cycles and their checklist tasks (the tasks' due dates are
        # kernel deadlines).
        # Every selector module is imported so that the findings report's section providers
        # (``learninghub.report_sections``) register themselves, whichever part of the hub they come from.
        import importlib
        import pkgutil

        import learninghub.selectors
        from learninghub import subjects  # noqa: F401

        for module in pkgutil.iter_modules(learninghub.selectors.__path__):
            importlib.import_module(f"learninghub.selectors.{module.name}")

from django.apps import AppConfig


class LearningHubConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learninghub"
    verbose_name = "Learning hub"

    def ready(self) -> None:
        # Declares the hub's subjects to the kernel: cycles and their checklist tasks (the tasks' due dates are
        # kernel deadlines).
        # Drafts the hub agrees become recommendations naming their cycle (kind "hub cycle") as the source.
        from learninghub.recommendation_declarations import register as register_recommendation_source

        register_recommendation_source()

        # The findings report's DOCX: a kind of export the worker writes.
        from learninghub.export_declarations import register as register_findings_export

        register_findings_export()

        # Every selector module is imported so that the findings report's section providers
        # (``learninghub.report_sections``) register themselves, whichever part of the hub they come from.
        import importlib
        import pkgutil

        import learninghub.selectors
        from learninghub import subjects  # noqa: F401

        for module in pkgutil.iter_modules(learninghub.selectors.__path__):
            importlib.import_module(f"learninghub.selectors.{module.name}")

        # A cycle's summary, for the kernel's grants: an observer of another partnership is shown these and the
        # cycle's phases and checklist (learninghub.selectors.observers), never the people behind them.
        from learninghub.models import HubCycle
        from learninghub.selectors.observers import OBSERVED_CYCLE_FIELDS
        from partnership.sharing import shareable_register

        shareable_register(model=HubCycle, label="Learning hub cycle", fields=OBSERVED_CYCLE_FIELDS)

from django.apps import AppConfig


class LearningHubConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "learninghub"
    verbose_name = "Learning hub"

    def ready(self) -> None:
        # Declares the hub's subjects to the kernel: cycles and their checklist tasks (the tasks' due dates are
        # kernel deadlines).
        from learninghub import subjects  # noqa: F401

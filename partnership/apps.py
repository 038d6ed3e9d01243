from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partnership"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        # Declares the kernel's own subjects (agencies).
        from partnership import subjects  # noqa: F401

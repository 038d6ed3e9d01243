from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partnership"
    verbose_name = "Partnerships"

    def ready(self) -> None:
        from partnership.models import Agency
        from partnership.sharing import shareable_register

        # An agency's public facts: nothing about its people or case work.
        shareable_register(
            model=Agency,
            label="Agency",
            fields={"name": "Name", "agency_type": "Type", "statutory_partner": "Statutory partner"},
        )

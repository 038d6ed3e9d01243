from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Declares the reviews' subjects (deadlines, sign-offs, documents) to the kernel.
        from reviews import subjects  # noqa: F401

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        from partnership.sharing import shareable_register
        from reviews.models import LearningReview

        # The plan of a learning review, for a neighbouring partnership learning from it. Never the
        # children's identities, agencies' returns or the outcomes form's text: those stay here.
        shareable_register(
            model=LearningReview,
            label="Learning review",
            fields={
                "reference": "Reference",
                "title": "Title",
                "methodology": "Methodology",
                "state": "Stage",
                "scope": "Scope",
                "key_lines_of_enquiry": "Key lines of enquiry",
                "report_due_on": "Report due",
                "publication": "Publication decision",
            },
        )

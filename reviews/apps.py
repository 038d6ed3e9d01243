from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # Declares the reviews' subjects (deadlines, sign-offs, documents) to the kernel.
        from partnership.sharing import shareable_register
        from reviews import subjects  # noqa: F401
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

        # The overview page's figures for rapid and learning reviews (partnership.selectors.overview).
        # Their tasks need no source of their own: returns and comments are deadlines, decisions sign-offs.
        from partnership.selectors.overview import overview_source_register
        from reviews.selectors.overview import learning_reviews_overview, rapid_reviews_overview

        overview_source_register("rapid_reviews", rapid_reviews_overview)
        overview_source_register("learning_reviews", learning_reviews_overview)

        # Recommendations made from outcomes forms and decisions; reviews tagged with learning themes.
        from reviews.recommendation_declarations import register

        register()

from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self) -> None:
        # The overview page's figures for rapid and learning reviews (partnership.selectors.overview).
        # Their tasks need no source of their own: returns and comments are deadlines, decisions sign-offs.
        from partnership.selectors.overview import overview_source_register
        from reviews.selectors.overview import learning_reviews_overview, rapid_reviews_overview

        overview_source_register("rapid_reviews", rapid_reviews_overview)
        overview_source_register("learning_reviews", learning_reviews_overview)

"""The online survey's public link, outside every partnership's pages: ``/s/<token>/``, no account needed."""

from django.urls import path

from learninghub.views import public_survey

app_name = "learninghub_public"

urlpatterns: list = [
    path("s/<str:token>/", public_survey.survey_answer, name="survey_answer"),
]

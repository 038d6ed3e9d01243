"""The OpenAPI schema and its browsable docs: open while developing, signed-in only in production.

The schema names every route and field of the product: in production it is no
one's business but the people who use it. ``API_DOCS_PUBLIC`` (default: on
outside production) opens it for developers and for the schema fuzzing tests.
Past the second factor where the roles need it: ``SecondFactorMiddleware``.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from partnership.authentication import TokenAuthentication


class SignedInUnlessDocsArePublic(BasePermission):
    message = "Sign in to read the API's documentation."

    def has_permission(self, request, view) -> bool:
        return settings.API_DOCS_PUBLIC or bool(request.user and request.user.is_authenticated)


class ApiSchemaView(SpectacularAPIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [SignedInUnlessDocsArePublic]


class ApiDocsView(SpectacularSwaggerSplitView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [SignedInUnlessDocsArePublic]

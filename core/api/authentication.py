"""The API's authentication (settings.REST_FRAMEWORK): DRF's token and session authentication, after
which a read-only role's (the federation analysts') reading requests read from a replica (core.db)."""

from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication
from rest_framework.permissions import SAFE_METHODS

from core import db


class _ReadOnlyRolesReadReplicas:
    def authenticate(self, request):
        result = super().authenticate(request)
        if (
            result is not None
            and request.method in SAFE_METHODS
            and getattr(result[0], "is_read_only", False)
        ):
            db.read_rest_of_request_from_replica()
        return result


class TokenAuthentication(_ReadOnlyRolesReadReplicas, authentication.TokenAuthentication):
    pass


class SessionAuthentication(_ReadOnlyRolesReadReplicas, authentication.SessionAuthentication):
    pass


class ReplicaSessionScheme(SessionScheme):
    """The schema names the session sign-in as before (drf-spectacular matches the class exactly)."""

    target_class = "core.api.authentication.SessionAuthentication"

"""OpenAPI documentation shared by every operation: the error answers each kind of operation can
give, and the If-Match / ETag headers of conflict-safe updates (settings DEFAULT_SCHEMA_CLASS).

An operation's own @extend_schema names its request and success responses; the errors below are
added where they apply unless the operation documents that status itself.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in the request's language.")


class VersionConflictSerializer(ErrorSerializer):
    current_version = serializers.IntegerField(
        required=False, help_text="The record's version now: read it again before retrying."
    )


VALIDATION_ERROR = OpenApiResponse(
    {
        "type": "object",
        "description": (
            "A list of messages per input field; `non_field_errors` for the record as a whole; "
            "`detail` for a request that could not be read at all."
        ),
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "string"},
                {"type": "object"},
            ]
        },
    },
    description="Invalid input: a message per field, or `detail` for a request that cannot be read.",
)

ERRORS = {
    400: VALIDATION_ERROR,
    401: OpenApiResponse(ErrorSerializer, description="Not signed in: send a token or a session cookie."),
    403: OpenApiResponse(ErrorSerializer, description="Signed in, but the role may not do this."),
    404: OpenApiResponse(
        ErrorSerializer, description="No such record, or it belongs to another center; or no such page."
    ),
    409: OpenApiResponse(
        ErrorSerializer, description="The change collided with another one saved at the same time."
    ),
    412: OpenApiResponse(
        VersionConflictSerializer,
        description="If-Match names an older version: someone else changed the record. Nothing was changed.",
    ),
    415: OpenApiResponse(
        ErrorSerializer,
        description="The body's content type is not accepted, or the body cannot be parsed as it.",
    ),
    428: OpenApiResponse(ErrorSerializer, description="The If-Match header is missing."),
}

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the record as last read (e.g. "3"). A stale one is refused with 412.',
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200, 201],
    description="The record's version, to send back in If-Match when changing it.",
)


class ApiAutoSchema(AutoSchema):
    def _is_conditional(self) -> bool:
        return getattr(self.view, "action", None) in getattr(self.view, "conditional_actions", ())

    def _returns_versioned_record(self) -> bool:
        view_action = getattr(self.view, "action", None)
        return hasattr(self.view, "conditional_actions") and (
            view_action in ("retrieve", "create") or self._is_conditional()
        )

    def get_override_parameters(self) -> list:
        parameters = list(super().get_override_parameters())
        if self._is_conditional():
            parameters.append(IF_MATCH)
        if self._returns_versioned_record():
            parameters.append(ETAG)
        return parameters

    def _error_statuses(self) -> list[int]:
        public = any(
            issubclass(permission, permissions.AllowAny)
            for permission in getattr(self.view, "permission_classes", ())
        )
        codes = [] if public else [401, 403]
        writes = self.method not in ("GET", "HEAD", "OPTIONS")
        action = getattr(self.view, "action", None)
        codes.append(400)  # any request: a NUL character or an address over 8 KB (core.middleware)
        if writes:
            codes.append(415)
        if "{" in self.path or action == "list":
            codes.append(404)
        if writes and not public:
            codes.append(409)
        if self._is_conditional():
            codes += [412, 428]
        return codes

    def _get_response_bodies(self, direction="response") -> dict:
        responses = super()._get_response_bodies(direction)
        for code in self._error_statuses():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    ERRORS[code], str(code), direction=direction
                )
        return responses

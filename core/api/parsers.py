"""The API's JSON parser: a body that is not JSON, not UTF-8 or nested deeper than any record of ours
is a 400 with a message in the user's language, never a 500 (the standard library's decoder recurses
once per level and gives up with a RecursionError on a body like [[[[...]]]])."""

import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of the API nests deeper than a few levels; 32 leaves room for any future one.
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    """settings.REST_FRAMEWORK's first parser, the token endpoint's included."""

    max_depth = MAX_DEPTH

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as error:
            message = _("The request body is not valid %(encoding)s text.") % {"encoding": encoding}
            raise ParseError(message) from error
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError as error:
            raise ParseError(self._too_deep()) from error
        except json.JSONDecodeError as error:
            raise ParseError(
                _("The request body is not valid JSON (line %(line)d, column %(column)d).")
                % {"line": error.lineno, "column": error.colno}
            ) from error
        except ValueError as error:
            raise ParseError(_("The request body is not valid JSON.")) from error
        if _depth(data) > self.max_depth:
            raise ParseError(self._too_deep())
        return data

    def _too_deep(self) -> str:
        return _("The request body is nested too deeply: at most %(depth)d levels are accepted.") % {
            "depth": self.max_depth
        }


def _refuse_constant(name: str) -> None:
    """NaN and Infinity are not JSON, whatever Python's decoder accepts."""
    raise ValueError(name)


def _depth(data: Any) -> int:
    """How deeply lists and objects nest in `data`, counted without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        deepest = max(deepest, level)
        stack.extend((item, level + 1) for item in value)
    return deepest

"""The API tests' fixtures: an API client per role, the reference rows."""

from tests.fixtures.api import client_for  # noqa: F401  (fixtures)
from tests.fixtures.reference import private_media, ref  # noqa: F401  (fixtures)

"""The web pages' tests' fixtures: a signed-in browser client per role, the reference rows, cases."""

from tests.fixtures.reference import private_media, ref  # noqa: F401  (fixtures)
from tests.fixtures.web import administrator, case_of, client_for  # noqa: F401  (fixtures)

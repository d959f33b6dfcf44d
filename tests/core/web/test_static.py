"""The pages' own stylesheet and script, and the vendored htmx, must be found by the staticfiles app."""

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.parametrize("path", ["css/app.css", "js/app.js", "vendor/htmx-2.0.11.min.js"])
def test_the_pages_static_files_are_found(path):
    assert finders.find(path) is not None

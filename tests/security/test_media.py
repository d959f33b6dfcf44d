"""Uploads (issue 7, item 4): documents live outside every served path. The upload checks themselves
are specified in tests/clinic/test_documents.py."""

from pathlib import Path

import pytest
from django.conf import settings


def test_media_root_is_not_under_static_or_the_project_s_public_files():
    media = Path(settings.MEDIA_ROOT).resolve()
    for public in (Path(settings.STATIC_ROOT), *map(Path, settings.STATICFILES_DIRS)):
        public = public.resolve()
        assert public not in (media, *media.parents), f"{media} is under {public}"
        assert media not in (public, *public.parents)
    assert not getattr(settings, "MEDIA_URL", "").strip("/"), "a MEDIA_URL would invite serving the files"


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["/media/", "/static/", "/documents/", "/var/media/", "/staticfiles/"])
def test_no_url_serves_stored_files(client, lawyer, prefix):
    client.force_login(lawyer)

    response = client.get(f"{prefix}documents/1/1/0123456789abcdef0123456789abcdef")

    assert response.status_code == 404

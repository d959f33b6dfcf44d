"""Stored files (case documents, documents sent online) as downloads: one answer for every view."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from .services import accepted_content_type


def stored_file_response(file: FieldFile, original_name: str) -> FileResponse:
    """The file as an attachment, typed by the server from its accepted extension (a .txt holding HTML
    is text/plain), never sniffed by the browser and never kept by a cache: it holds personal data."""
    try:
        opened = file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        opened, as_attachment=True, filename=original_name, content_type=accepted_content_type(original_name)
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

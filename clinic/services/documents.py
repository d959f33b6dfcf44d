"""Documents attached to a case: the file's type is decided by its extension and checked against its
first bytes, never taken from what the sender's browser claimed."""

import secrets
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core.audit import acting_as
from core.versioning import locked
from organizations.models import User

from .. import rules
from ..models import Application, Document

# The files accepted: the extension decides the type a file is stored and served with (never the type
# the sender's browser claimed), and the file's first bytes must match it.
ACCEPTED_FILES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".txt": ("text/plain", None),  # any content: served as text, whatever it holds
}


def _extension(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def accepted_content_type(name: str) -> str:
    """The type a stored file is served with, from its name's extension; opaque bytes for any other."""
    accepted = ACCEPTED_FILES.get(_extension(name))
    return accepted[0] if accepted else "application/octet-stream"


def _check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> str:
    """Refuse files that are too large or not of an accepted type; return the sanitised name."""
    # An upload a request carries always has a name and a size (UploadedFile types them as optional).
    name = cast(str, upload.name).replace("\\", "/").rsplit("/", 1)[-1].strip() or "document"
    extension = _extension(name)
    max_bytes = max_bytes or settings.CLINIC_DOCUMENT_MAX_BYTES
    if cast(int, upload.size) > max_bytes:
        raise ValidationError({"file": _("The file is larger than %s.") % filesizeformat(max_bytes)})
    if extension not in ACCEPTED_FILES:
        raise ValidationError(
            {"file": _("Accepted file types: %s.") % ", ".join(sorted(ACCEPTED_FILES))}, code="file_type"
        )
    head = upload.read(8)
    upload.seek(0)
    _type, signatures = ACCEPTED_FILES[extension]
    if signatures and not head.startswith(signatures):
        raise ValidationError({"file": _("The file's content does not match its type.")}, code="file_type")
    return "".join(ch for ch in name if ch.isprintable())[:255]


@transaction.atomic
def document_attach(*, application: Application, by: User, upload: UploadedFile) -> Document:
    """Store an uploaded document privately; it is served only through a permission-checked view."""
    rules.ensure_can_work(by, application)
    application = locked(application)
    rules.ensure_can_work(by, application)  # again on the locked row: it may have been reassigned
    original_name = _check_upload(upload)
    document = Document(
        application=application,
        token=secrets.token_hex(16),
        original_name=original_name,
        content_type=accepted_content_type(original_name),
        size=cast(int, upload.size),  # set on every upload a request carries
        uploaded_by=by,
    )
    document.file.save(document.token, upload, save=False)
    try:
        with acting_as(by):
            document.save()
    except Exception:
        document.file.delete(save=False)  # no row, no file
        raise
    return document

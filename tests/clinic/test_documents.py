"""Documents: only small files of an accepted type whose content matches the extension; stored
under a random name, the original name kept (sanitised) for display only."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clinic import services
from clinic.models import Document

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture
def application(register_case, lawyer):
    return register_case(lawyer=lawyer)


def _stored_files(media_root: Path) -> list[Path]:
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


@pytest.mark.django_db
def test_a_small_pdf_is_stored_under_a_random_name(application, lawyer, media_root):
    # when
    document = services.document_attach(
        application=application,
        by=lawyer,
        upload=SimpleUploadedFile("Dismissal order.pdf", PDF, content_type="application/pdf"),
    )
    # then
    document.refresh_from_db()
    assert document.original_name == "Dismissal order.pdf"
    assert (document.size, document.content_type, document.uploaded_by) == (
        len(PDF),
        "application/pdf",
        lawyer,
    )
    assert len(document.token) == 32
    assert document.file.name == f"documents/{application.center_id}/{application.pk}/{document.token}"
    assert "Dismissal" not in document.file.name
    assert not document.file.name.endswith(".pdf")
    with document.file.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.django_db
def test_two_files_with_the_same_name_do_not_collide(application, lawyer, media_root):
    first, second = (
        services.document_attach(application=application, by=lawyer, upload=SimpleUploadedFile("a.pdf", PDF))
        for _ in range(2)
    )

    assert first.file.name != second.file.name
    assert len(_stored_files(media_root)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("../../etc/claim.pdf", "claim.pdf"),
        ("..\\..\\Windows\\claim.pdf", "claim.pdf"),
        ("C:\\Users\\Aigerim\\Desktop\\claim.pdf", "claim.pdf"),
        ("cla\x07im\x1b.pdf", "claim.pdf"),
    ],
)
def test_the_original_name_is_sanitised(application, lawyer, media_root, name, kept):
    document = services.document_attach(
        application=application, by=lawyer, upload=SimpleUploadedFile(name, PDF)
    )

    assert document.original_name == kept
    assert document.file.name.startswith(f"documents/{application.center_id}/{application.pk}/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("claim.exe", b"MZ\x90\x00\x03\x00\x00\x00", id="refused extension"),
        pytest.param("claim", PDF, id="no extension"),
        pytest.param("claim.pdf.exe", PDF, id="double extension"),
        pytest.param("claim.pdf", b"MZ\x90\x00\x03\x00\x00\x00", id="executable named .pdf"),
        pytest.param("photo.png", PDF, id="pdf named .png"),
        pytest.param("claim.docx", b"%PDF-1.4", id="pdf named .docx"),
    ],
)
def test_files_of_the_wrong_type_are_refused(application, lawyer, media_root, name, content):
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.document_attach(application=application, by=lawyer, upload=SimpleUploadedFile(name, content))
    # then
    assert "file" in excinfo.value.message_dict
    assert not Document.objects.exists()
    assert _stored_files(media_root) == []


@pytest.mark.django_db
def test_oversized_files_are_refused(application, lawyer, media_root, settings):
    # given
    settings.CLINIC_DOCUMENT_MAX_BYTES = len(PDF)
    services.document_attach(application=application, by=lawyer, upload=SimpleUploadedFile("fits.pdf", PDF))
    # when
    with pytest.raises(ValidationError) as excinfo:
        services.document_attach(
            application=application, by=lawyer, upload=SimpleUploadedFile("big.pdf", PDF + b" ")
        )
    # then
    [message] = excinfo.value.message_dict["file"]
    assert str(len(PDF)) in message  # the limit is stated as configured, not rounded down to "0 MB"
    assert list(Document.objects.values_list("original_name", flat=True)) == ["fits.pdf"]
    assert len(_stored_files(media_root)) == 1

"""Letters from templates: a manager's DOCX template is checked on upload (only the placeholders of
clinic.letters, well-formed), and a case's letter is filled from it in memory and kept as a document of
the case, through the documents service (so the case's rules and audit trail apply)."""

import io
import re
import zipfile
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import override
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docxtpl import DocxTemplate, Listing
from jinja2 import TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment
from lxml.etree import XMLSyntaxError

from core.audit import acting_as
from organizations.models import TerritorialCenter, User

from .. import rules
from ..letters import PLACEHOLDERS
from ..models import Application, Document, LetterTemplate
from .documents import accepted_content_type, document_attach

DOCX_TYPE = accepted_content_type("letter.docx")
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
# Dates in a letter as they are written in letters: «30 ноября 2026 г.», «2026 жылғы 30 қараша».
LETTER_DATE_FORMATS = {"ru": "j E Y г.", "kk": "Y жылғы j F"}
LETTER_TEMPLATE_EDITABLE = ("name", "purpose", "language", "is_active")
# What Jinja2 itself provides (the loop variable, its few globals): not placeholders of a case.
_JINJA_NAMES = frozenset({"loop", "range", "dict", "lipsum", "cycler", "joiner", "namespace"})


def _environment() -> SandboxedEnvironment:
    """A template is a manager's upload: the sandbox keeps it from reaching into Python, and every value
    is escaped for the document's XML (a summary with "<" or "&" stays text)."""
    return SandboxedEnvironment(autoescape=True)


def letter_date(day: date, language: str) -> str:
    """A date as a letter in that language writes it (Django's month names, lower case as in a text)."""
    with override(language):
        return date_format(day, LETTER_DATE_FORMATS[language]).lower()


# Checking an uploaded template


def _open(content: bytes) -> DocxTemplate:
    template = DocxTemplate(io.BytesIO(content))
    try:
        template.init_docx()
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, XMLSyntaxError) as error:
        raise ValidationError(
            {"file": _("This is not a DOCX document: save the template in Word as .docx.")}, code="docx"
        ) from error
    return template


def _parts(template: DocxTemplate) -> list[tuple[str, str]]:
    """The texts a letter is filled in: the body, then the headers and footers, each as docxtpl prepares
    it for Jinja2, one paragraph a line (so that Jinja2's line is the paragraph's)."""
    docx = template.docx
    elements = [(_("Text"), docx.element.body)]
    for relation in docx.part.rels.values():
        if relation.reltype == template.HEADER_URI:
            elements.append((_("Header"), parse_xml(relation.target_part.blob)))
        elif relation.reltype == template.FOOTER_URI:
            elements.append((_("Footer"), parse_xml(relation.target_part.blob)))
    # Each paragraph on a line of its own before docxtpl's preparation, so that a paragraph holding only
    # `{%p if %}` (which it replaces by the bare tag) still counts as the line Word shows.
    return [
        (label, template.patch_xml(re.sub(r"<w:p([ >])", r"\n<w:p\1", template.xml_to_string(element))))
        for label, element in elements
    ]


def _line_text(xml: str, lineno: int) -> str:
    lines = xml.splitlines()
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
    return Truncator(text.strip()).chars(80)


def _references(node: nodes.Node, undeclared: set[str], found: list[tuple[str, int]]) -> None:
    """Every `name.attribute...` the template reads from its context, with its line."""
    path: list[str] = []
    current = node
    while isinstance(current, nodes.Getattr | nodes.Getitem):
        if isinstance(current, nodes.Getattr):
            path.insert(0, current.attr)
        elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
            path.insert(0, current.arg.value)
        else:  # name[expression]: the expression is checked on its own, the path ends here
            _references(current.arg, undeclared, found)
            path.clear()
        current = current.node
    if isinstance(current, nodes.Name):
        if current.ctx == "load" and current.name in undeclared:
            found.append((".".join([current.name, *path]), current.lineno))
        return
    for child in current.iter_child_nodes():
        _references(child, undeclared, found)


def _catalogued(path: str) -> str | None:
    """The catalogue's entry a path reads: the entry itself, or a public attribute of its text
    (`case.summary.upper()`); None for anything else, and for a private attribute (`__class__`), which
    the sandbox would refuse only when a letter is filled."""
    segments = path.split(".")
    if any(segment.startswith("_") for segment in segments):
        return None
    for end in range(1, len(segments) + 1):
        if ".".join(segments[:end]) in PLACEHOLDERS:
            return ".".join(segments[:end])
    return None


def letter_template_check(content: bytes) -> list[str]:
    """The placeholders a DOCX template uses, sorted; refuses (errors on `file`) a file that is not a
    DOCX, a placeholder outside clinic.letters.PLACEHOLDERS and a malformed one, naming each with its
    line (a paragraph of the document, counted from the top, as Jinja2 sees it) and its text."""
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError({"file": _("The file is larger than %s.") % filesizeformat(MAX_TEMPLATE_BYTES)})
    template = _open(content)
    environment = _environment()
    errors: list[str] = []
    used: set[str] = set()
    for part, xml in _parts(template):
        try:
            tree = environment.parse(xml)
        except TemplateSyntaxError as error:
            line = error.lineno or 1
            errors.append(
                _("%(part)s, line %(line)s: the placeholder is malformed (%(error)s): “%(text)s”.")
                % {
                    "part": part,
                    "line": max(line - 1, 1),
                    "error": error.message,
                    "text": _line_text(xml, line),
                }
            )
            continue
        found: list[tuple[str, int]] = []
        _references(tree, set(meta.find_undeclared_variables(tree)) - _JINJA_NAMES, found)
        for path, line in found:
            entry = _catalogued(path)
            if entry is not None:
                used.add(entry)
                continue
            errors.append(
                _("%(part)s, line %(line)s: unknown placeholder “%(name)s”: “%(text)s”.")
                % {"part": part, "line": max(line - 1, 1), "name": path, "text": _line_text(xml, line)}
            )
    if errors:
        raise ValidationError({"file": errors}, code="placeholders")
    return sorted(used)


def _read_template(upload: File) -> tuple[str, bytes]:
    """The upload's sanitised name and bytes; refuses another type of file and one too large to read."""
    name = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name.lower().endswith(".docx"):
        raise ValidationError({"file": _("Upload the template as a .docx file.")}, code="file_type")
    if upload.size is not None and upload.size > MAX_TEMPLATE_BYTES:
        raise ValidationError({"file": _("The file is larger than %s.") % filesizeformat(MAX_TEMPLATE_BYTES)})
    upload.seek(0)
    return "".join(ch for ch in name if ch.isprintable())[:255], upload.read()


@transaction.atomic
def letter_template_save(
    *,
    by: User | None,
    template: LetterTemplate | None = None,
    upload: File | None = None,
    for_center: TerritorialCenter | None = None,
    **fields: Any,
) -> LetterTemplate:
    """Create a template (`template` None, a file required) or change one (its file optionally); the
    file is checked first (letter_template_check). A new template is its author's center's, or the
    federation's when made by the federation's staff (or `for_center`'s, made by them for a center); it
    stays where it was made. `by` None: the reference data's loader (the federation's templates)."""
    unknown = set(fields) - set(LETTER_TEMPLATE_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    if template is not None:
        center_id = template.center_id
    else:
        center_id = for_center.pk if for_center is not None else getattr(by, "center_id", None)
    if by is not None:
        rules.ensure_can_keep_letter_template(by, center_id)
    if template is None:
        if upload is None:
            raise ValidationError({"file": _("Choose the DOCX file of the template.")}, code="required")
        template = LetterTemplate(center_id=center_id)
    if upload is not None:
        template.file_name, content = _read_template(upload)
        template.placeholders = letter_template_check(content)
        template.content = content
    for field, value in fields.items():
        setattr(template, field, value)
    template.updated_by = by
    template.full_clean(exclude=["content"])
    with acting_as(by):
        template.save()
    return template


# Filling a case's letter


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _lines(text: str) -> Listing | str:
    """A text typed on several lines keeps its line breaks (Listing); an empty one stays falsy, so that
    `{%p if employer.address %}` leaves its paragraph out."""
    return Listing(text) if text else ""


def _full_name(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user is not None else ""


def letter_context(*, application: Application, language: str, by: User) -> dict[str, Any]:
    """The values of clinic.letters.PLACEHOLDERS for this case, as text in the letter's language."""
    person, employer, center = application.person, application.employer, application.center
    with override(language):
        context: dict[str, Any] = {
            "case": {
                "registration_number": application.registration_number,
                "received_on": letter_date(application.received_on, language),
                "due_on": letter_date(application.due_on, language),
                "summary": _lines(application.summary),
                "topic": application.topic.name,
                "kind": application.kind.name,
                "decision": _lines(application.decision),
            },
            "applicant": {
                "full_name": person.full_name,
                "iin": person.iin,
                "phone": person.phone,
                "email": person.email,
            },
            "employer": {
                "name": _text(employer and employer.name),
                "bin": _text(employer and employer.bin),
                "address": _lines(employer.address if employer else ""),
            },
            "center": {
                "name": center.name,
                "address": _lines(center.address),
                "phone": center.phone,
            },
            "lawyer": {"full_name": _full_name(application.lawyer or by)},
            "today": letter_date(timezone.localdate(), language),
        }
    return context


def letter_render(template: LetterTemplate, context: dict[str, Any]) -> bytes:
    """The template filled with the context, as DOCX bytes (in memory)."""
    document = DocxTemplate(io.BytesIO(bytes(template.content)))
    try:
        document.render(context, jinja_env=_environment())
    except TemplateError as error:
        raise ValidationError(
            {
                "template": _("The template could not be filled (%(error)s): a manager should correct it.")
                % {"error": error.message or error}
            },
            code="template",
        ) from error
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


@transaction.atomic
def letter_write(*, application: Application, template: LetterTemplate, by: User) -> Document:
    """Fill the template for the case and keep the letter as the case's document."""
    rules.ensure_can_work(by, application)
    if not template.is_active:
        raise ValidationError({"template": _("This template is no longer in use.")}, code="inactive")
    if template.center_id not in (None, application.center_id):
        raise ValidationError({"template": _("This template is another center's.")}, code="other_center")
    content = letter_render(
        template, letter_context(application=application, language=template.language, by=by)
    )
    name = f"{application.registration_number} {template.name}.docx"
    upload = SimpleUploadedFile(name, content, content_type=DOCX_TYPE)
    return document_attach(application=application, by=by, upload=upload)

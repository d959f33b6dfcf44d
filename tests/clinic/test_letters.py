"""The check of an uploaded letter template (clinic.services.letters): known placeholders only, well
formed, named with their line wherever they are (the text, a table, a header), and nothing that would
reach past the sandbox; and the filling of a letter keeps the case's text as text."""

import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document as Docx

from clinic.letters import PLACEHOLDERS
from clinic.models import LetterTemplate
from clinic.services.letters import letter_render, letter_template_check
from seeds.letters import template_docx
from tests.clinic.letters import docx_text


def paragraphs(*texts: str) -> bytes:
    return template_docx("test", [("text", text) for text in texts])


def refusal(content: bytes) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        letter_template_check(content)
    return refused.value.message_dict["file"]


def test_every_placeholder_of_the_catalogue_is_accepted():
    content = paragraphs(*(f"{{{{ {name} }}}}" for name in PLACEHOLDERS))
    assert letter_template_check(content) == sorted(PLACEHOLDERS)


def test_conditions_loops_filters_and_methods_of_known_values_are_accepted():
    content = paragraphs(
        "{% if employer.address %}{{ employer.address }}{% endif %}",
        "{{ case.summary|upper }} {{ applicant.full_name.split()[0] }}",
        "{% for word in case.topic.split() %}{{ loop.index }}{{ word }}{% endfor %}",
    )
    assert letter_template_check(content) == [
        "applicant.full_name",
        "case.summary",
        "case.topic",
        "employer.address",
    ]


def test_each_unknown_placeholder_is_named_with_its_line():
    errors = refusal(
        paragraphs("{{ today }}", "{{ case.number }}", "Текст", "{{ director.name }} {{ case }}")
    )
    assert errors == [
        "Text, line 2: unknown placeholder “case.number”: “{{ case.number }}”.",
        "Text, line 4: unknown placeholder “director.name”: “{{ director.name }} {{ case }}”.",
        "Text, line 4: unknown placeholder “case”: “{{ director.name }} {{ case }}”.",
    ]


def test_lines_count_the_paragraphs_word_shows_those_of_conditions_included():
    errors = refusal(
        paragraphs("{%p if employer.address %}", "{{ employer.address }}", "{%p endif %}", "{{ x }}")
    )
    assert errors == ["Text, line 4: unknown placeholder “x”: “{{ x }}”."]


def test_a_private_attribute_is_refused_before_the_sandbox_would_refuse_it():
    errors = refusal(paragraphs("{{ case.summary.__class__.__mro__ }}"))
    assert errors == [
        "Text, line 1: unknown placeholder “case.summary.__class__.__mro__”: "
        "“{{ case.summary.__class__.__mro__ }}”."
    ]


@pytest.mark.parametrize(
    ("texts", "line"),
    [
        (("Исх. № {{ case.registration_number }", "x"), 1),
        (("a", "b", "{{ case.summary | }}"), 3),
        (("{% if case.summary %}", "{{ case.summary }}"), 2),  # the block never ends: at the end
        (("a", "{% endfor %}"), 2),
    ],
)
def test_a_malformed_placeholder_is_named_with_its_line(texts, line):
    errors = refusal(paragraphs(*texts))
    assert len(errors) == 1
    assert errors[0].startswith(f"Text, line {line}: the placeholder is malformed (")


def test_placeholders_in_a_table_and_in_the_header_are_checked_too():
    document = Docx()
    document.add_paragraph("{{ today }}")
    document.add_table(rows=1, cols=1).cell(0, 0).text = "{{ employer.nme }}"
    document.sections[0].header.paragraphs[0].text = "{{ center.title }}"
    built = io.BytesIO()
    document.save(built)

    errors = refusal(built.getvalue())

    assert errors == [
        "Text, line 2: unknown placeholder “employer.nme”: “{{ employer.nme }}”.",
        "Header, line 1: unknown placeholder “center.title”: “{{ center.title }}”.",
    ]


def test_a_file_that_is_not_a_docx_is_refused():
    assert refusal(b"PK\x03\x04 not a zip") == [
        "This is not a DOCX document: save the template in Word as .docx."
    ]


def test_the_cases_text_stays_text_in_the_letter():
    template = LetterTemplate(content=paragraphs("Суть: {{ case.summary }}", "{{ employer.name }}"))
    context = {
        "case": {"summary": "Оклад <b>снижен</b> & {{ today }};\nприказ № 5"},
        "employer": {"name": "ТОО «A&B»"},
    }

    text = docx_text(letter_render(template, context))

    assert "Суть: Оклад <b>снижен</b> & {{ today }};" in text
    assert "ТОО «A&B»" in text

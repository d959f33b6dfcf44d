"""A form field's label as templates/includes/field.html shows it: a field that must be filled carries
a visible asterisk and, for screen readers, the word "required"; and the files a refused form asked
to be chosen again.

A form marks a field as needed without making Django require it (the desk's topics: the service says
so) with `form.fields[name].marked_required = True`."""

from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def is_marked_required(field: BoundField) -> bool:
    return bool(field.field.required or getattr(field.field, "marked_required", False))


@register.simple_tag
def field_label(field: BoundField) -> SafeString | str:
    """The <label> (the <legend> of a group of choices) of the field, with the mark when it is needed."""
    if not field.label:
        return ""
    tag = "legend" if field.use_fieldset else "label"
    if not is_marked_required(field):
        return field.legend_tag() if tag == "legend" else field.label_tag()
    suffix = field.field.label_suffix if field.field.label_suffix is not None else field.form.label_suffix
    if not suffix or str(field.label)[-1:] in _(":?.!"):
        suffix = ""
    contents = format_html(
        '{}{} <span class="required-mark" aria-hidden="true">*</span>'
        '<span class="visually-hidden">({})</span>',
        field.label,
        suffix,
        _("required"),
    )
    if tag == "legend":
        return field.legend_tag(contents, label_suffix="")
    return field.label_tag(contents, label_suffix="")


@register.filter
def chosen_files(field: BoundField) -> list[str]:
    """The names of the files chosen in the field of a form sent back with errors: a browser never
    keeps a chosen file in a page shown again, so the page says which ones to choose again."""
    form = field.form
    if not isinstance(field.field.widget, forms.FileInput) or not form.is_bound or not form.errors:
        return []
    value = field.data
    files = value if isinstance(value, list | tuple) else [value]
    return [getattr(file, "name", "") for file in files if getattr(file, "name", "")]

"""The admin's page forms keep the browser's form properties usable by Wagtail's scripts."""

from wagtail.models import get_page_models

# Properties and methods of an HTML form that a control of the same name hides: with a field
# named « method », form.method is that field and Wagtail's autosave never sends its request.
FORM_PROPERTIES = {
    "acceptCharset",
    "action",
    "autocomplete",
    "checkValidity",
    "elements",
    "encoding",
    "enctype",
    "length",
    "method",
    "name",
    "noValidate",
    "rel",
    "relList",
    "reportValidity",
    "requestSubmit",
    "reset",
    "submit",
    "target",
}


def test_no_page_field_hides_a_property_of_the_admin_form(db):
    hidden = {
        f"{model.__name__}.{name}"
        for model in get_page_models()
        for name in model.get_edit_handler().get_form_class().base_fields
        if name in FORM_PROPERTIES
    }
    assert not hidden

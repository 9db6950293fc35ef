from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form renders with Pariter's Bootstrap Italia field template."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"

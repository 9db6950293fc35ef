from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pariter.website.models import PageFeedback, Rating


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How clear is the information on this page?"),
        choices=Rating.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how clear the page was, from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Tell us more (optional)"),
        help_text=_("Do not write personal data. At most 500 characters."),
        required=False,
        max_length=PageFeedback.COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": PageFeedback.COMMENT_MAX_LENGTH}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the site"), required=False)

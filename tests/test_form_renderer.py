"""The form renderer that writes Django's input, textarea and select templates in Python
(common/forms.py) gives the very markup Django's templates give, whatever the widget shows."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from common.forms import FAST_RENDERER, FastWidgetRenderer

TEMPLATES = DjangoTemplates()
AWKWARD = 'He said "<b>5 > 3</b>" & \'left\'\n  第二行  '


class EveryWidget(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control", "maxlength": 20, "data-x": mark_safe("a&b")}))
    number = forms.IntegerField(widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}))
    decimal = forms.DecimalField(localize=True, required=False)
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), required=False)
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    url = forms.URLField(required=False, disabled=True, assume_scheme="https")
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "readonly": True, "hidden": False}), required=False)
    choice = forms.ChoiceField(choices=[("", "—"), ("a", _("Approve")), (3, "三 <3>"), ("x\"y", mark_safe("<i>safe</i>"))])
    grouped = forms.ChoiceField(
        choices=[("", "—"), (_("Group"), [("g1", "一"), ("g2", "二")]), ("Other & more", [(1, 1), (2, 2.5)])], required=False
    )
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二"), (3, "三")], required=False)
    maybe = forms.NullBooleanField(required=False)
    flag = forms.BooleanField(required=False)  # a checkbox: left to the templates
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, required=False)  # idem


DATA = {
    "text": AWKWARD, "number": "42", "decimal": "1234.5", "hidden": "7", "date": "2025-03-31", "email": "a@b.cn",
    "password": "p<w>", "url": "http://x/?a=1&b=2", "area": AWKWARD, "choice": "x\"y", "grouped": "2", "many": ["1", "3"],
    "maybe": "true", "flag": "on", "radio": "a",
}


def _render_both(form_class, **kwargs):
    slow, fast = form_class(renderer=TEMPLATES, **kwargs), form_class(renderer=FAST_RENDERER, **kwargs)
    return [(name, str(slow[name]), str(fast[name])) for name in slow.fields]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"data": DATA}, {"data": {}}, {"initial": {"text": mark_safe("<b>safe</b>"), "number": 5, "date": datetime.date(2025, 1, 2),
                                                  "area": "", "choice": 3, "many": [2], "maybe": False, "decimal": 1234.5}}],
    ids=["unbound", "bound", "bound-empty", "initial"],
)
def test_every_widget_is_written_as_django_writes_it(kwargs, language):
    with translation.override(language):
        for name, slow, fast in _render_both(EveryWidget, **kwargs):
            assert fast == slow, name


def test_the_report_page_forms_are_written_as_django_writes_them(db):
    from django.forms.renderers import get_default_renderer

    from supervision.extension_views import ExtensionDecisionForm, ExtensionRequestForm
    from tasks.forms import ReportForm
    from workflows.forms import DecisionForm

    assert isinstance(get_default_renderer(), FastWidgetRenderer)  # every form's (settings.FORM_RENDERER)
    for form_class, kwargs in [
        (ReportForm, {"initial": {"version": 3, "achievements": AWKWARD, "percent_complete": 60}}),
        (ReportForm, {"data": {"version": "3", "percent_complete": "101", "assessment": "on_track", "achievements": AWKWARD}}),
        (ExtensionRequestForm, {}),
        (ExtensionRequestForm, {"data": {"requested_due_on": "2025-02-30", "reason": AWKWARD}}),
        (ExtensionDecisionForm, {}),
        (DecisionForm, {"initial": {"round": 2}}),
    ]:
        for name, slow, fast in _render_both(form_class, **kwargs):
            assert fast == slow, (form_class.__name__, name)


def test_other_templates_are_left_to_django():
    form = EveryWidget(data=DATA, renderer=FastWidgetRenderer())
    assert str(form) == str(EveryWidget(data=DATA, renderer=TEMPLATES))  # the form layout, labels, errors


def test_options_that_name_records_are_marked_as_chinese_data():
    from common.forms import DataOptionsSelect

    field = forms.ChoiceField(choices=[("1", "武汉市 · 1 严重精神障碍患者规范管理率 (7.64)"), ("2", "Total")], widget=DataOptionsSelect())
    html = str(type("F", (forms.Form,), {"score": field})()["score"])
    assert '<option value="1" lang="zh">武汉市' in html
    assert '<option value="2">Total</option>' in html

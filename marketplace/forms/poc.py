"""Forms of the proof-of-concept stage that are not term sheets: the validation request, the
signature, milestone deliveries and decisions, the validation report. Shape only (lengths and
choices); every rule, and every message about a missing or malformed value, is the service's."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import DateInput, NumberInput

from models import Recommendation, ValidationNeed, Verdict
from . import options


def number(label: str, low=None, high=None, step="any", **kwargs) -> StringField:
    """A number typed as text: the service says what is wrong with it, in Chinese."""
    return StringField(label, widget=NumberInput(step=step, min=low, max=high), validators=[Length(max=40)],
                       **kwargs)


class ValidationRequestForm(FlaskForm):
    needs = RadioField("需要验证什么", choices=options(ValidationNeed.choices()), default="both",
                       validate_choice=False)
    budget_cap = number("预算上限（万元）", low=0)
    deadline = StringField("方案征集截止日期", widget=DateInput(), validators=[Length(max=20)])
    max_duration_months = number("最长验证周期（月，1–36）", low=1, high=36, step=1, default="12")
    notes = TextAreaField("补充说明（可选）", validators=[Length(max=2000)])

    def to_service_data(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("needs", "budget_cap", "deadline", "max_duration_months", "notes")}


class SignForm(FlaskForm):
    password = PasswordField("登录密码", validators=[InputRequired("请输入登录密码。"), Length(max=128)],
                             render_kw={"autocomplete": "current-password"})


class DeliverForm(FlaskForm):
    deliverable = TextAreaField("交付说明", validators=[Length(max=5000)])
    file = FileField("附件（可选）")


class DecisionForm(FlaskForm):
    comment = TextAreaField("验收意见（退回时必填）", validators=[Length(max=2000)])


def _verdicts() -> list:
    return options([("", "请选择")] + Verdict.choices())


class ReportForm(FlaskForm):
    technical_verdict = SelectField("技术可行性结论", choices=_verdicts(), validate_choice=False)
    market_verdict = SelectField("市场可行性结论", choices=_verdicts(), validate_choice=False)
    trl_before = number("验证前 TRL", low=1, high=9, step=1)
    trl_after = number("验证后 TRL", low=1, high=9, step=1)
    recommendation = SelectField("建议", choices=options([("", "请选择")] + Recommendation.choices()),
                                 validate_choice=False)
    summary = TextAreaField("结论摘要", validators=[Length(max=10_000)])
    evidence = TextAreaField("证据与数据（可选）", validators=[Length(max=10_000)])

    def to_service_data(self) -> dict:
        return {name: getattr(self, name).data for name in (
            "technical_verdict", "market_verdict", "trl_before", "trl_after", "recommendation", "summary",
            "evidence")}


class ReturnReportForm(FlaskForm):
    comment = TextAreaField("退回意见", validators=[Length(max=10_000)])

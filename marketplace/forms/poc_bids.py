"""The term sheet form: approach, a fixed table of milestone rows (empty rows are ignored, so no
script is needed to add one), cost, duration, funding and IP terms. Shape only; the service's
field-addressed errors (``milestones.1.payment``, ``ip_terms.foreground_split``) are put back on
the row, cell or group they name."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from models import FundingModel, LicenseKind
from . import options
from .poc import number

ROWS = 6  # milestone rows offered on a new form
ROWS_MAX = 12  # the service allows at most 12 milestones
ROW_FIELDS = ("title", "deliverable", "due_week", "payment")
SPLIT = ("enterprise", "institution", "center")
IP_FIELDS = ("license", "license_field", "territory", "revenue_share_pct", "publication_review_days",
             "confidentiality")


class MilestoneRow(Form):
    title = StringField("里程碑", validators=[Length(max=120)])
    deliverable = StringField("交付物", validators=[Length(max=2000)])
    due_week = number("到期周次", low=1, step=1)
    payment = number("付款（万元）", low=0)

    def is_empty(self) -> bool:
        return not any(str(getattr(self, name).data or "").strip() for name in ROW_FIELDS)


class BidForm(FlaskForm):
    approach = TextAreaField("验证方案（技术路线、方法、团队与设施）", validators=[Length(max=10_000)])
    milestones = FieldList(FormField(MilestoneRow), min_entries=ROWS, max_entries=ROWS_MAX)
    total_cost = number("总费用（万元）", low=0)
    center_cofund = number("中心自筹（万元，可选）", low=0)
    duration_months = number("验证周期（月）", low=1, high=36, step=1)
    funding_model = SelectField("资金模式", choices=options(FundingModel.choices()), validate_choice=False)
    equity_option_pct = number("股权比例（%，仅先投后股）", low=0, high=100)
    split_enterprise = number("需求企业（%）", low=0, high=100, step=1)
    split_institution = number("成果方（%）", low=0, high=100, step=1)
    split_center = number("验证中心（%）", low=0, high=100, step=1)
    license = SelectField("企业许可", choices=options(LicenseKind.choices()), validate_choice=False)
    license_field = StringField("许可领域", validators=[Length(max=200)])
    territory = StringField("许可地域", validators=[Length(max=200)])
    revenue_share_pct = number("中心收益分成（%）", low=0, high=100)
    publication_review_days = number("论文发表审查期（天）", low=0, high=365, step=1, default="30")
    confidentiality = TextAreaField("保密条款", validators=[Length(max=2000)])
    revision = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone_errors: list[str] = []  # about the table as a whole
        self.split_errors: list[str] = []  # about the three shares together
        self._rows: list[int] = []  # service index → form row

    @classmethod
    def from_terms(cls, terms: dict, revision: int | None = None) -> BidForm:
        """A form showing a term sheet in the API's shape (a bid being revised)."""
        ip = terms.get("ip_terms", {})
        split = ip.get("foreground_split", {})
        data = {name: terms.get(name) for name in ("approach", "total_cost", "center_cofund", "duration_months",
                                                      "funding_model", "equity_option_pct")}
        data |= {name: ip.get(name) for name in IP_FIELDS}
        data |= {f"split_{party}": split.get(party) for party in SPLIT}
        rows = [{name: _shown(value) for name, value in row.items()} for row in terms.get("milestones", [])]
        data["milestones"] = rows + [{}] * max(0, min(ROWS_MAX, max(ROWS, len(rows) + 1)) - len(rows))
        data["revision"] = revision
        return cls(formdata=None, data={k: _shown(v) for k, v in data.items()})

    def to_service_data(self) -> dict:
        """The term sheet in the API's shape; empty milestone rows are left out, and an empty total
        is the sum of the payments (what the rule asks it to be)."""
        rows = [(i, entry.form) for i, entry in enumerate(self.milestones.entries) if not entry.form.is_empty()]
        self._rows = [i for i, _ in rows]
        milestones = [{name: getattr(row, name).data for name in ROW_FIELDS} for _, row in rows]
        total = (self.total_cost.data or "").strip()
        if not total and milestones:
            total = _sum([m["payment"] for m in milestones])
        return {
            "approach": self.approach.data, "milestones": milestones, "total_cost": total,
            "center_cofund": self.center_cofund.data or None, "duration_months": self.duration_months.data,
            "funding_model": self.funding_model.data, "equity_option_pct": self.equity_option_pct.data or None,
            "ip_terms": {"foreground_split": {party: getattr(self, f"split_{party}").data for party in SPLIT},
                         **{name: getattr(self, name).data for name in IP_FIELDS}},
        }

    def apply_errors(self, fields: dict[str, str]) -> list[str]:
        """Put the service's errors where they belong; returns the ones with no place on the form."""
        leftover = []
        for name, message in fields.items():
            target = self._target(name)
            if target is None:
                leftover.append(message)
            elif isinstance(target, list):
                target.append(message)
            else:
                target.errors = [*target.errors, message]
        return leftover

    def _target(self, name: str):
        parts = name.split(".")
        if parts[0] == "milestones":
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(self._rows):
                return getattr(self.milestones.entries[self._rows[int(parts[1])]].form, parts[2], None)
            return self.milestone_errors
        if parts[:2] == ["ip_terms", "foreground_split"]:
            return getattr(self, f"split_{parts[2]}", None) if len(parts) == 3 else self.split_errors
        if parts[0] == "ip_terms" and len(parts) == 2:
            return getattr(self, parts[1], None) if parts[1] in IP_FIELDS else None
        return getattr(self, name, None) if name in self._fields and name != "revision" else None


def _shown(value):
    """A stored value as a form shows it: 30.0 as "30", None as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def _sum(payments: list) -> str:
    """The sum of the payments as text, or "" when one is not a number (the service says which)."""
    try:
        return str(_shown(round(sum(float(str(p).strip()) for p in payments), 2)))
    except ValueError:
        return ""

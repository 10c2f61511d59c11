"""A center's capability profile form: fields and services as checkboxes, a fixed table of
qualification rows (empty rows are ignored), equipment, capacity, fund, region and the alert
threshold. Shape only; the service's errors (``qualifications.0.number``) go back on their cells."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Length

from models import CenterProfile, CenterService, QualificationKind
from . import options
from .listings import MultiCheckboxField
from .poc import number

QUALIFICATION_ROWS = 4
QUALIFICATIONS_MAX = 20
THRESHOLDS = (10, 20, 30, 40, 50, 60, 70, 80, 90)


class QualificationRow(Form):
    kind = SelectField("资质类型", choices=options([("", "—")] + QualificationKind.choices()), validate_choice=False)
    number = StringField("证书编号", validators=[Length(max=60)])
    scope = StringField("认可范围", validators=[Length(max=300)])

    def is_empty(self) -> bool:
        return not any(str(getattr(self, name).data or "").strip() for name in ("kind", "number", "scope"))


class CenterProfileForm(FlaskForm):
    summary = TextAreaField("中心简介", validators=[Length(max=2000)])
    fields = MultiCheckboxField("覆盖的技术领域", validate_choice=False)
    services = MultiCheckboxField("提供的服务", choices=options(CenterService.choices()), validate_choice=False)
    qualifications = FieldList(FormField(QualificationRow), min_entries=QUALIFICATION_ROWS,
                               max_entries=QUALIFICATIONS_MAX)
    equipment = TextAreaField("仪器设备与实验室", validators=[Length(max=5000)])
    capacity = number("可同时承接的验证项目数", low=1, high=1000, step=1, default="3")
    fund_size = number("概念验证基金规模（万元，可选）", low=0)
    typical_ticket = number("单个项目典型投入（万元，可选）", low=0)
    region = StringField("所在地区", validators=[Length(max=80)])
    alert_min_fit = SelectField("新请求提醒：匹配度不低于",
                                choices=options((str(t), f"{t}%") for t in THRESHOLDS), default="30")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._rows: list[int] = []

    def set_fields(self, fields) -> CenterProfileForm:
        self.fields.choices = options((f.code, f.name_zh) for f in fields)
        return self

    @classmethod
    def from_profile(cls, profile: CenterProfile | None, region: str = "") -> CenterProfileForm:
        """A form showing the stored profile (or an empty one with the organization's region)."""
        if profile is None:
            return cls(formdata=None, data={"region": region})
        rows = [{"kind": q.kind.value, "number": q.number, "scope": q.scope} for q in profile.qualifications]
        rows += [{}] * max(QUALIFICATION_ROWS - len(rows), 1)  # always one empty row to add to
        percent = min(THRESHOLDS, key=lambda t: abs(t - round(profile.alert_min_fit * 100)))
        return cls(formdata=None, data={
            "summary": profile.summary, "fields": list(profile.fields), "services": list(profile.services),
            "qualifications": rows[:QUALIFICATIONS_MAX], "equipment": profile.equipment,
            "capacity": str(profile.capacity), "fund_size": _shown(profile.fund_size),
            "typical_ticket": _shown(profile.typical_ticket), "region": profile.region,
            "alert_min_fit": str(percent)})

    def to_service_data(self) -> dict:
        """The profile in the API's shape (empty qualification rows left out)."""
        rows = [(i, e.form) for i, e in enumerate(self.qualifications.entries) if not e.form.is_empty()]
        self._rows = [i for i, _ in rows]
        try:
            fit = int(self.alert_min_fit.data) / 100
        except (TypeError, ValueError):
            fit = -1
        return {
            "summary": self.summary.data, "fields": self.fields.data or [], "services": self.services.data or [],
            "qualifications": [{"kind": row.kind.data, "number": row.number.data, "scope": row.scope.data}
                               for _, row in rows],
            "equipment": self.equipment.data, "capacity": self.capacity.data,
            "fund_size": self.fund_size.data or None, "typical_ticket": self.typical_ticket.data or None,
            "region": self.region.data, "alert_min_fit": fit,
        }

    def apply_errors(self, fields: dict[str, str]) -> list[str]:
        """Put the service's errors on their fields and cells; returns those with no place."""
        leftover = []
        for name, message in fields.items():
            parts = name.split(".")
            target = getattr(self, name, None) if name in self._fields else None
            if parts[0] == "qualifications" and len(parts) == 3 and parts[1].isdigit() \
                    and int(parts[1]) < len(self._rows):
                target = getattr(self.qualifications.entries[self._rows[int(parts[1])]].form, parts[2], None)
            if target is None or parts[0] == "qualifications" and len(parts) != 3:
                leftover.append(message)
            else:
                target.errors = [*target.errors, message]
        return leftover


def _shown(value) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)

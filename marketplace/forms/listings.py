"""Demand and result forms."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (DateField, DecimalField, IntegerField, SelectField, SelectMultipleField,
                     StringField, TextAreaField, widgets)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from models import CooperationMode, Maturity, TransferMode, Visibility
from . import options

_PATENT_STATUS_WORDS = {"已授权": "granted", "授权": "granted", "granted": "granted",
                        "申请中": "pending", "pending": "pending", "": "pending"}


class TrlField(IntegerField):
    """An integer field that refuses absurdly long numbers (WTForms' NumberRange overflows on them)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > 1_000_000:
            self.data = None
            raise ValueError("请输入 1–9 的整数。")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _field_choices(fields) -> list:
    return options([("", "请选择领域")] + [(f.code, f.name_zh) for f in fields])


class DemandForm(FlaskForm):
    title = StringField("需求标题", validators=[InputRequired("请填写标题。"), Length(max=120)])
    description = TextAreaField("需求描述", validators=[InputRequired("请描述需求。"), Length(max=10_000)])
    summary = TextAreaField("公开摘要（保密需求必填）", validators=[Length(max=500)])
    field = SelectField("技术领域", validators=[InputRequired("请选择技术领域。")])
    keywords = StringField("关键词（用逗号或顿号分隔）", validators=[Length(max=400)])
    budget_min = DecimalField("预算下限（万元）", places=2, validators=[InputRequired("请填写预算。"), NumberRange(min=0)])
    budget_max = DecimalField("预算上限（万元）", places=2, validators=[InputRequired("请填写预算。"), NumberRange(min=0)])
    deadline = DateField("截止日期", validators=[InputRequired("请选择截止日期。")])
    cooperation_mode = SelectField("合作方式", choices=options(CooperationMode.choices()))
    trl_target = TrlField("目标技术成熟度（TRL 1–9）", validators=[InputRequired("请填写 TRL。"), NumberRange(1, 9)])
    region = StringField("所在地区", validators=[Length(max=80)])
    visibility = SelectField("公开方式", choices=options(Visibility.choices()))

    def set_fields(self, fields) -> "DemandForm":
        self.field.choices = _field_choices(fields)
        return self

    def to_service_data(self) -> dict:
        """The dict shape the demands service (and the API) take."""
        data = {name: getattr(self, name).data for name in (
            "title", "description", "summary", "field", "keywords", "deadline",
            "cooperation_mode", "trl_target", "region", "visibility")}
        data["budget_min"] = self.budget_min.data
        data["budget_max"] = self.budget_max.data
        return data


class ResultForm(FlaskForm):
    title = StringField("成果名称", validators=[InputRequired("请填写名称。"), Length(max=120)])
    abstract = TextAreaField("成果简介", validators=[InputRequired("请填写简介。"), Length(max=10_000)])
    field = SelectField("技术领域", validators=[InputRequired("请选择技术领域。")])
    keywords = StringField("关键词（用逗号或顿号分隔）", validators=[Length(max=400)])
    trl = TrlField("技术成熟度（TRL 1–9）", validators=[InputRequired("请填写 TRL。"), NumberRange(1, 9)])
    # no stage chosen in advance: a silent "实验室" is the kind of unconsidered value the quality meter asks about
    maturity = SelectField("成熟阶段", choices=options([("", "请选择成熟阶段")] + Maturity.choices()),
                           validators=[InputRequired("请选择成熟阶段。")])
    patents = TextAreaField("专利（每行一项：专利号 状态，如 CN202310456789.1 已授权）", validators=[Length(max=2000)])
    transfer_modes = MultiCheckboxField("转化方式", choices=options(TransferMode.choices()))
    asking_price = DecimalField("期望价格（万元，留空为面议）", places=2, validators=[Optional(), NumberRange(min=0)])
    region = StringField("所在地区", validators=[Length(max=80)])

    def set_fields(self, fields) -> "ResultForm":
        self.field.choices = _field_choices(fields)
        return self

    def fill_patents(self, patents) -> None:
        """Show existing patents one per line."""
        self.patents.data = "\n".join(f"{p.number} {p.status.label}" for p in patents)

    def to_service_data(self) -> dict:
        """The dict shape the results service (and the API) take."""
        data = {name: getattr(self, name).data for name in (
            "title", "abstract", "field", "keywords", "trl", "maturity", "transfer_modes", "region")}
        data["asking_price"] = self.asking_price.data
        data["patents"] = parse_patent_lines(self.patents.data or "")
        return data


def parse_patent_lines(text: str) -> list[dict]:
    """'CN202310456789.1 已授权' lines → [{number, status}] (unknown status words kept for the service)."""
    patents = []
    for line in text.splitlines():
        parts = re.split(r"[\s,，]+", line.strip(), maxsplit=1)
        if parts and parts[0]:
            word = parts[1].strip() if len(parts) > 1 else ""
            patents.append({"number": parts[0], "status": _PATENT_STATUS_WORDS.get(word, word)})
    return patents

"""The watch form: a saved search or a listing alert (shape only; the service checks the rules)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from models import DB_INT_MAX

THRESHOLDS = (30, 40, 50, 60, 70, 80, 90)  # the percentages offered in the pages' select boxes


class BoundedIntegerField(IntegerField):
    """An integer within a database integer (NumberRange overflows on absurdly long numbers)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not 0 <= self.data <= DB_INT_MAX:
            self.data = None
            raise ValueError("数值超出范围。")


class WatchForm(FlaskForm):
    query = StringField("关键词", validators=[Optional(), Length(max=200)])
    target = StringField("订阅", validators=[Optional(), AnyOf(["demand", "result"], "请选择需求或成果。")])
    field = StringField("领域", validators=[Optional()])
    min_score = BoundedIntegerField("匹配度不低于（%）", default=60,
                             validators=[InputRequired("请选择匹配度阈值。"), NumberRange(0, 100, "应为 0–100。")])
    demand_id = BoundedIntegerField(validators=[Optional(), NumberRange(min=1)])
    result_id = BoundedIntegerField(validators=[Optional(), NumberRange(min=1)])
    next = HiddenField()

    def to_service_data(self) -> dict:
        """The service's input: min_score as a 0–1 fraction of the best possible match."""
        return {"query": self.query.data or "", "target": self.target.data or "", "field": self.field.data or "",
                "min_score": self.min_score.data / 100, "demand_id": self.demand_id.data,
                "result_id": self.result_id.data}

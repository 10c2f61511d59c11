"""Pairing forms: propose, decline, a thread message. Shape only; the rules are the service's."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from models import DeclineReason
from . import options


class ProposeForm(FlaskForm):
    own_id = SelectField("用本机构的哪一项对接", coerce=int, validate_choice=True)
    message = TextAreaField("留言（说明合作设想、希望对方回答的问题）",
                            validators=[InputRequired("请填写留言。"), Length(max=2000)])

    def set_own(self, listings, label: str) -> ProposeForm:
        """The actor's published listings of the side it proposes from."""
        self.own_id.label.text = label
        self.own_id.choices = options((item.id, item.title) for item in listings)
        return self


class DeclineForm(FlaskForm):
    reason = SelectField("婉拒原因（对方会看到）", choices=options([("", "请选择原因")] + DeclineReason.choices()))
    reason_text = TextAreaField("补充说明（选择“其他原因”时必填）", validators=[Length(max=1000)])


class MessageForm(FlaskForm):
    body = TextAreaField("消息", validators=[InputRequired("请输入消息内容。"), Length(max=2000)])

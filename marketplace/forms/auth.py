"""Sign-in, sign-up, profile and password forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import EqualTo, InputRequired, Length

from models import OrgKind, Role
from . import options


class LoginForm(FlaskForm):
    email = EmailField("邮箱", validators=[InputRequired("请填写邮箱。"), Length(max=254)])
    password = PasswordField("密码", validators=[InputRequired("请填写密码。"), Length(max=128)])


class RegisterForm(FlaskForm):
    role = SelectField("我是", choices=options((r.value, r.label) for r in (Role.ENTERPRISE, Role.RESEARCHER, Role.CENTER)))
    email = EmailField("邮箱", validators=[InputRequired("请填写邮箱。"), Length(max=254)])
    display_name = StringField("姓名", validators=[InputRequired("请填写姓名。"), Length(max=60)])
    password = PasswordField("密码（至少 8 位）", validators=[InputRequired("请设置密码。"), Length(max=128)])
    confirm = PasswordField("确认密码", validators=[EqualTo("password", "两次输入的密码不一致。")])
    organization_name = StringField("机构名称", validators=[InputRequired("请填写机构名称。"), Length(max=120)])
    organization_kind = SelectField("机构类型", choices=options(OrgKind.choices()[:4]))
    organization_region = StringField("所在地区", validators=[Length(max=80)])
    join = BooleanField("申请加入该机构（机构已在平台注册）")
    join_message = TextAreaField("给机构负责人的说明", validators=[Length(max=500)])

    def to_service_data(self) -> dict:
        """The dict shape the accounts service (and the API) take."""
        return {
            "role": self.role.data, "email": self.email.data, "display_name": self.display_name.data,
            "password": self.password.data, "message": self.join_message.data,
            "organization": {"name": self.organization_name.data, "kind": self.organization_kind.data,
                             "region": self.organization_region.data},
        }


class ProfileForm(FlaskForm):
    display_name = StringField("姓名", validators=[InputRequired("请填写姓名。"), Length(max=60)])
    region = StringField("机构所在地区", validators=[Length(max=80)])


class PasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[InputRequired("请填写当前密码。")])
    new_password = PasswordField("新密码", validators=[InputRequired("请填写新密码。"), Length(max=128)])
    confirm = PasswordField("确认新密码", validators=[EqualTo("new_password", "两次输入的密码不一致。")])

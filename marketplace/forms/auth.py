"""Sign-in, sign-up, profile, password, password reset and e-mail change forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import EqualTo, InputRequired, Length

from models import OrgKind, Role
from . import options


class LoginForm(FlaskForm):
    email = EmailField("邮箱", validators=[InputRequired("请填写邮箱。"), Length(max=254)])
    password = PasswordField("密码", validators=[InputRequired("请填写密码。"), Length(max=128)])


ACCOUNT_TYPES = {  # the sign-up's one role question: organization kind → (role, what the option reads)
    OrgKind.ENTERPRISE: (Role.ENTERPRISE, "企业用户（发布技术需求）"),
    OrgKind.UNIVERSITY: (Role.RESEARCHER, "高校科研人员（发布科研成果）"),
    OrgKind.INSTITUTE: (Role.RESEARCHER, "科研院所科研人员（发布科研成果）"),
    OrgKind.CENTER: (Role.CENTER, "概念验证中心（承接概念验证）"),
}
ACCOUNT_KINDS = {kind.value for kind in ACCOUNT_TYPES}


class RegisterForm(FlaskForm):
    # One question decides both the account's role and its organization's kind (ACCOUNT_TYPES).
    account_type = SelectField("我是", choices=options((kind.value, label) for kind, (_, label) in ACCOUNT_TYPES.items()))
    email = EmailField("邮箱", validators=[InputRequired("请填写邮箱。"), Length(max=254)])
    display_name = StringField("姓名", validators=[InputRequired("请填写姓名。"), Length(max=60)])
    password = PasswordField("密码（至少 8 位）", validators=[InputRequired("请设置密码。"), Length(max=128)])
    confirm = PasswordField("确认密码", validators=[EqualTo("password", "两次输入的密码不一致。")])
    organization_name = StringField("机构名称", validators=[InputRequired("请填写机构名称。"), Length(max=120)])
    organization_region = StringField("所在地区", validators=[Length(max=80)])
    join = BooleanField("申请加入该机构（机构已在平台注册）")
    join_message = TextAreaField("给机构负责人的说明", validators=[Length(max=500)])

    def to_service_data(self) -> dict:
        """The dict shape the accounts service (and the API) take."""
        kind = OrgKind(self.account_type.data) if self.account_type.data in ACCOUNT_KINDS else None
        return {
            "role": ACCOUNT_TYPES[kind][0].value if kind else self.account_type.data, "email": self.email.data, "display_name": self.display_name.data,
            "password": self.password.data, "message": self.join_message.data,
            "organization": {"name": self.organization_name.data, "kind": self.account_type.data,
                             "region": self.organization_region.data},
        }


class ProfileForm(FlaskForm):
    display_name = StringField("姓名", validators=[InputRequired("请填写姓名。"), Length(max=60)])
    region = StringField("机构所在地区", validators=[Length(max=80)])


class PasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[InputRequired("请填写当前密码。")])
    new_password = PasswordField("新密码", validators=[InputRequired("请填写新密码。"), Length(max=128)])
    confirm = PasswordField("确认新密码", validators=[EqualTo("new_password", "两次输入的密码不一致。")])


class ForgotPasswordForm(FlaskForm):
    email = EmailField("注册邮箱", validators=[InputRequired("请填写邮箱。"), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField("新密码", validators=[InputRequired("请填写新密码。"), Length(max=128)])
    confirm = PasswordField("确认新密码", validators=[EqualTo("new_password", "两次输入的密码不一致。")])


class EmailChangeForm(FlaskForm):
    new_email = EmailField("新邮箱", validators=[InputRequired("请填写新邮箱。"), Length(max=254)])
    current_password = PasswordField("当前密码", validators=[InputRequired("请填写当前密码。")])

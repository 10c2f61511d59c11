"""The account mails: a password reset link, and the confirmation of a new sign-in address (with a
notice to the old one). The web form and the API ask through the same functions; the messages go
out once the request's transaction commits (mail.py), and the bodies holding a link are emptied
once sent (``mail.SECRET_KINDS``)."""
from __future__ import annotations

from typing import Any

from flask import url_for

from models import User

from .mail import queue, site_url
from .services import credentials
from .tokens import email_change_token, password_reset_token

# What anyone asking for a reset link reads (the web page and the API): the same for every address.
RESET_ANSWER = "如果该邮箱已在平台注册，我们已发送重设密码的链接，1 小时内有效。"
SIGNATURE = "\n—\n创新桥 InnoBridge\n这是系统自动发送的邮件，请勿直接回复。\n"


def _link(endpoint: str, **token: str) -> str:
    return site_url(url_for(endpoint, **token, _external=False))


def send_password_reset(email: Any) -> None:
    """Mail a reset link if ``email`` belongs to an active account; nothing otherwise, and the
    caller answers the same either way. A malformed address is a ValidationFailed."""
    user = credentials.password_reset_recipient(email)
    if user is None:
        return
    link = _link("auth.reset_password", reset_token=password_reset_token(user))
    body = (f"{user.display_name or user.email}，您好：\n\n"
            f"我们收到了为创新桥账号 {user.email} 重设密码的请求。请在 1 小时内打开下面的链接设置新密码"
            f"（链接只能使用一次）：\n\n{link}\n\n"
            "设置新密码后，您在所有设备上的登录和 API 令牌都会失效，需要重新登录。\n"
            "如果这不是您本人的操作，请忽略这封邮件，您的密码不会改变。\n" + SIGNATURE)
    queue(user.email, "【创新桥】重设密码", body, "password_reset", user)


def masked(address: str) -> str:
    """``zhang.wei@example.com`` → ``z***@example.com`` (the notice to the old address)."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def send_email_change(user: User, current_password: Any, new_email: Any) -> str:
    """Check the request (services/credentials.py), then mail a confirmation link to the new
    address and a notice without a link to the current one; returns the new address."""
    address = credentials.request_email_change(user, current_password, new_email)
    link = _link("email_change.confirm", confirm_token=email_change_token(user, address))
    name = user.display_name or user.email
    queue(address, "【创新桥】确认新的登录邮箱",
          f"{name}，您好：\n\n创新桥账号 {user.email} 申请把登录邮箱更换为 {address}。"
          f"请在 24 小时内打开下面的链接确认更换：\n\n{link}\n\n"
          "确认后请用新邮箱登录，原邮箱将不能再登录。\n"
          "如果您没有提出这一申请，请忽略这封邮件，账号不会有任何变化。\n" + SIGNATURE,
          "email_change", user)
    queue(user.email, "【创新桥】您的账号申请更换登录邮箱",
          f"{name}，您好：\n\n您的创新桥账号刚刚申请把登录邮箱从 {user.email} 更换为 {masked(address)}。"
          "确认链接已发送到新邮箱，24 小时内有效；新邮箱确认之前，登录邮箱不会改变。\n\n"
          f"如果这不是您本人的操作，请立即登录并修改密码（{site_url(url_for('account.profile', _external=False))}）："
          "密码修改后，这一更换申请随即失效。\n" + SIGNATURE,
          "email_change_notice", user)
    return address

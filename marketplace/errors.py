"""Error pages and JSON error bodies (docs/api.md: {"error": {code, message, fields}})."""
from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from models import db
from .services import audit
from .request_limits import RETRY_AFTER_SECONDS, is_statement_timeout
from .services.errors import DomainError, ValidationFailed
from .services.listings import CONTROL_CHARACTERS

_HTTP_CODES = {
    400: "validation_error", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "validation_error",
    414: "query_too_long", 422: "validation_error", 429: "rate_limited", 503: "timeout",
}
# Every code an error body may carry (the OpenAPI document's Error schema lists them).
ERROR_CODES = sorted({*_HTTP_CODES.values(), "error", "csrf_failed", "timeout", "unavailable", "server_error",
                      "validation_error", "not_found", "forbidden", "conflict", "unauthorized", "domain_error"})
_HTTP_MESSAGES = {
    400: "请求格式不正确。", 401: "请先登录。", 403: "没有权限执行此操作。", 404: "页面或内容不存在。",
    405: "不支持该请求方法。", 409: "当前状态不允许此操作。", 413: "请求内容过大。",
    414: "查询参数过长，请缩短后重试。",
    429: "请求过于频繁，请稍后再试。", 500: "服务器内部错误，我们已记录，请稍后再试。",
}


def wants_json() -> bool:
    """API requests, and a page's script that asks for JSON (the quality meter's panel), get JSON
    errors; pages get HTML."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, fields: dict | None = None):
    """One error in the API's shape or as an error page."""
    if wants_json():
        body = {"error": {"code": code, "message": message, "fields": fields or {}}}
        return make_response(jsonify(body), status)
    return make_response(render_template("error.html", status=status, message=message), status)


def _control_paths(value) -> list[str]:
    """Where a JSON value holds a refused control character (``title``, ``patents.0.number``);
    iterative, so depth is harmless."""
    found, stack = [], [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str) and CONTROL_CHARACTERS.search(item):
            found.append(path or "body")
        elif isinstance(item, (dict, list)):
            pairs = item.items() if isinstance(item, dict) else enumerate(item)
            stack.extend((f"{path}.{key}" if path else str(key), child) for key, child in pairs)
    return sorted(found)


def _json_body():
    try:
        return request.get_json(silent=True)
    except RecursionError:  # the json module gives up on very deep nesting
        raise ValidationFailed("JSON 嵌套过深。", {"body": "嵌套层级过多。"}) from None


def refuse_control_characters() -> None:
    """Control characters (but tab and line breaks) and lone surrogates are refused as bad input
    before they reach a query or a page: PostgreSQL text cannot hold U+0000 or a lone surrogate,
    and no field of the platform means to hold a bell or an escape sequence."""
    def bad(values) -> bool:
        return any(CONTROL_CHARACTERS.search(v) for v in values)

    names = [name for name, values in request.args.lists() if bad(values)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        names += [name for name, values in request.form.lists() if bad(values)]
    elif request.is_json:
        names += _control_paths(_json_body())
    if names:
        raise ValidationFailed("内容不能包含控制字符（如 U+0000、U+001B）。", {name: "含有不允许的控制字符。" for name in names})


def is_database_unavailable(error: sa.exc.DBAPIError) -> bool:
    """The database cannot be reached or answer now (down, restarting, locked) — not a bug in
    the statement: PostgreSQL's connection errors, SQLite's busy or unreadable file."""
    if error.connection_invalidated or isinstance(error, sa.exc.InterfaceError):
        return True
    orig = error.orig
    module = type(orig).__module__
    if module.startswith("psycopg"):
        return isinstance(error, sa.exc.OperationalError)  # connection refused, terminated, shutting down
    text = str(orig).lower()
    return module == "sqlite3" and any(word in text for word in ("locked", "unable to open", "disk i/o", "busy"))


def rollback_quietly() -> None:
    """Roll back even when the connection is gone (the pool replaces it)."""
    try:
        db.session.rollback()
    except sa.exc.DBAPIError:  # the connection is gone: the pool replaces it
        db.session.invalidate()


def unavailable(code: str, message: str):
    """503 with Retry-After: the request may succeed a few seconds later."""
    response = error_response(503, code, message)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


_SECURITY_STATUSES = {403: "access.denied", 429: "security.rate_limited"}


def loggable_path(full: bool = False) -> str:
    """The request's path (with its query when ``full``) for the log, a signed token in it (a
    password reset or confirmation link, an unsubscribe link) replaced: those are secrets."""
    path = request.full_path.rstrip("?") if full else request.path
    for name, value in (request.view_args or {}).items():
        if name.endswith("token") and isinstance(value, str) and value:
            path = path.replace(value, "‹token›")
    return path


def _security_event(action: str) -> None:
    """Record a refused request in the audit log (the request's own work is rolled back)."""
    if not audit.current_actor_id():
        try:  # a refusal before any view ran (CSRF): find out who was signed in, if anyone
            current_user._get_current_object()
        except Exception:  # noqa: BLE001 — a broken session must not turn a refusal into a 500
            pass
    audit.record_now(action, note=f"{request.method} {loggable_path()}"[:audit.NOTE_LIMIT])


def init_app(app) -> None:
    """Register the handlers."""
    app.before_request(refuse_control_characters)

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        if error.status == 403:
            _security_event("access.denied")
        return error_response(error.status, error.code, error.message, error.fields)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        _security_event("security.csrf_failed")
        return error_response(400, "csrf_failed", "表单已过期或来源不明，请刷新页面后重试。")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if status in _SECURITY_STATUSES:
            _security_event(_SECURITY_STATUSES[status])
        message = _HTTP_MESSAGES.get(status, error.description or "")
        response = error_response(status, _HTTP_CODES.get(status, "error"), message)
        if status == 429 and error.get_response().headers.get("Retry-After"):
            response.headers["Retry-After"] = error.get_response().headers["Retry-After"]
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))  # RFC 9110: a 405 says what is allowed
        return response

    @app.errorhandler(sa.exc.DBAPIError)
    def database_error(error: sa.exc.DBAPIError):
        if is_statement_timeout(error):
            db.session.rollback()
            app.logger.warning("statement cut off after %s ms on %s %s", app.config["DB_STATEMENT_TIMEOUT_MS"],
                               request.method, loggable_path(full=True))
            return unavailable("timeout", "查询耗时过长，已中止。请缩小范围（如加上领域或关键词）后再试。")
        if is_database_unavailable(error):
            rollback_quietly()
            app.logger.error("database unavailable on %s %s: %s", request.method, loggable_path(), error.orig)
            return unavailable("unavailable", "服务暂时不可用，请稍后重试。")
        return unexpected(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, loggable_path())
        return error_response(500, "server_error", _HTTP_MESSAGES[500])

"""JSON API v1 (docs/api.md): bearer tokens, the error format, pagination."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, current_app, g, jsonify, request

from models import TokenKind, db
from ..services import idempotency, sessions
from ..services.errors import NotFound, Unauthorized, ValidationFailed

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
MAX_PAGE = 100_000  # beyond this the offset would overflow a database integer


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_api_user():
    """The caller (None when anonymous); a present but invalid token is a 401."""
    if "api_user" not in g:
        token = bearer_token()
        user = sessions.resolve_token(token, TokenKind.API) if token else None
        if token and user is None:
            raise Unauthorized("令牌无效或已过期。")
        g.api_user = user
    return g.api_user


def token_required(*roles):
    """Require a valid bearer token (401) and, when given, one of ``roles`` (403)."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = current_api_user()
            if user is None:
                raise Unauthorized("需要 Authorization: Bearer <token>。")
            if roles and user.role not in roles:
                from ..services.errors import PermissionDenied
                raise PermissionDenied("当前角色不能执行此操作。")
            return view(*args, **kwargs)
        return wrapped
    return decorator


def idempotent(view):
    """A create that honours ``Idempotency-Key`` (docs/api.md): the same key and body within 24 h get
    the first response again, a different body with the same key is a 422. Goes below
    ``token_required`` (keys are the caller's own) and above any rate limit (a replay is free)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        raw = request.headers.get(idempotency.HEADER)
        if raw is None:
            return view(*args, **kwargs)
        request_fingerprint = idempotency.fingerprint(request.method, request.path, request.get_data())
        claimed = idempotency.claim(current_api_user(), idempotency.clean_key(raw), request_fingerprint)
        if isinstance(claimed, idempotency.Replay):
            db.session.rollback()
            response = jsonify(claimed.response)
            response.status_code = claimed.status_code
            response.headers["Idempotent-Replayed"] = "true"
            return response
        g.idempotency_claim = claimed
        return view(*args, **kwargs)
    return wrapped


def created(body: dict, status: int = 201):
    """Commit a create once, storing its answer with the request's idempotency claim (if any)."""
    claim = g.pop("idempotency_claim", None)
    if claim is not None:
        idempotency.record(claim, status, body)
    db.session.commit()
    return body, status


def json_body() -> dict:
    """The request's JSON object, or a 400 validation error."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("请求体应为 JSON 对象（Content-Type: application/json）。", {"body": "不是 JSON 对象。"})
    return data


def page_params() -> tuple[int, int]:
    """page/per_page per docs/api.md: per_page at most 100; malformed values are a 400."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", current_app.config["PER_PAGE"]))
    except ValueError:
        raise ValidationFailed("分页参数应为整数。", {"page": "应为正整数。"}) from None
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= current_app.config["MAX_PER_PAGE"]:
        raise ValidationFailed("分页参数超出范围。", {"per_page": "应为 1–100。", "page": "应 ≥ 1。"})
    return page, per_page


def page_json(page, serialize) -> dict:
    """The list envelope of docs/api.md."""
    return {"items": [serialize(item) for item in page.items], "page": page.page,
            "per_page": page.per_page, "total": page.total, "total_capped": page.capped}


def not_found() -> NotFound:
    return NotFound("资源不存在或无权查看。")


from . import accounts, activity, admin, attachments, listings, matching, openapi, pairings  # noqa: E402,F401  (register routes)
from . import poc_bids, poc_centers, poc_engagements, poc_milestones, poc_validation  # noqa: E402,F401
from .query_params import check_query  # noqa: E402

api_bp.before_request(check_query)

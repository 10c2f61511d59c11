"""Password policy and hashing (scrypt through Werkzeug)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 128

# A fixed hash to compare against when the email is unknown, so both paths cost the same.
_DUMMY_HASH = generate_password_hash("innobridge-timing-equaliser")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    text = resources.files("marketplace.services").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符。"
    if len(password) > MAX_LENGTH:
        return f"密码最多 {MAX_LENGTH} 个字符。"
    lowered = password.lower()
    if lowered in _common_passwords() or len(set(password)) <= 2:
        return "这个密码太常见，容易被猜到，请换一个。"
    if email and lowered in (email.lower(), email.lower().split("@")[0]):
        return "密码不能与邮箱相同。"
    return None


def hash_password(password: str) -> str:
    """A salted scrypt hash."""
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-work check; a missing hash still spends the time of one comparison."""
    if not password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)

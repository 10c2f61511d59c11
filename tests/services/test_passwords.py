"""Password policy and hashing (no database needed)."""
import pytest

from marketplace.services.passwords import (
    MAX_LENGTH,
    MIN_LENGTH,
    hash_password,
    password_problem,
    verify_password,
)


@pytest.mark.parametrize("password", [
    "bridge-test-pass-42",
    "x" * 3 + "yz12345",                 # exactly the minimum, three distinct characters
    "长城长江黄河泰山黄山",                 # non-ASCII counts by characters
    "Ab3$" * (MAX_LENGTH // 4),          # exactly the maximum
])
def test_acceptable_passwords(password):
    assert password_problem(password) is None


@pytest.mark.parametrize("password, fragment", [
    ("", "至少"),
    ("short1!", "至少"),                   # MIN_LENGTH - 1
    ("Ab3$" * (MAX_LENGTH // 4) + "x", "最多"),
    ("12345678", "常见"),
    ("password123", "常见"),
    ("PassWord123", "常见"),              # the list is matched case-insensitively
    ("qwerty123", "常见"),
    ("aaaaaaaaaaaa", "常见"),             # one character repeated
    ("abababababab", "常见"),             # two characters repeated
])
def test_refused_passwords(password, fragment):
    problem = password_problem(password)
    assert problem is not None and fragment in problem


def test_length_limits_are_the_documented_ones():
    assert MIN_LENGTH == 8
    assert MAX_LENGTH >= 64
    assert password_problem("k7m2p9x") is not None
    assert password_problem("k7m2p9x4") is None


@pytest.mark.parametrize("email", ["zhang.wei2024@example.com", "ZHANG.WEI2024@Example.com"])
def test_password_equal_to_email_local_part_is_refused(email):
    assert "邮箱" in password_problem("zhang.wei2024", email)
    assert "邮箱" in password_problem("Zhang.Wei2024", email)


def test_password_equal_to_whole_email_is_refused():
    assert password_problem("li.na@example.com", "li.na@example.com") is not None


def test_password_containing_but_not_equal_to_local_part_is_accepted():
    assert password_problem("zhangwei-likes-tea", "zhangwei@example.com") is None


def test_hash_is_salted_scrypt_and_verifies():
    first, second = hash_password("bridge-test-pass-42"), hash_password("bridge-test-pass-42")
    assert first.startswith("scrypt:")
    assert first != second
    assert "bridge-test-pass-42" not in first
    assert verify_password(first, "bridge-test-pass-42")
    assert not verify_password(first, "bridge-test-pass-43")
    assert not verify_password(first, "")


@pytest.mark.parametrize("missing", [None, ""])
def test_verify_password_without_hash_is_false(missing):
    assert verify_password(missing, "anything-at-all") is False

"""Signing keys: each signer's Ed25519 key pair is made by the platform on first use; the private
key is kept encrypted (AES-256-GCM) under a key derived from the platform's agreement secret
(``AGREEMENT_SECRET``, by default derived from ``SECRET_KEY``), the public key in the clear, so
anyone holding the agreement can check a signature without the platform's secrets."""
from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from models import SigningKey, User, db

_RAW = dict(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)


def _wrapping_key(secret: str) -> bytes:
    """A 256-bit key for the private keys, derived from the configured secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"innobridge-agreements",
                info=b"signing-key-wrap").derive(secret.encode())


def _encrypt(private: Ed25519PrivateKey, secret: str, user_id: int) -> str:
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    nonce = os.urandom(12)
    sealed = AESGCM(_wrapping_key(secret)).encrypt(nonce, raw, str(user_id).encode())
    return base64.b64encode(nonce + sealed).decode()


def _decrypt(stored: str, secret: str, user_id: int) -> Ed25519PrivateKey:
    blob = base64.b64decode(stored)
    raw = AESGCM(_wrapping_key(secret)).decrypt(blob[:12], blob[12:], str(user_id).encode())
    return Ed25519PrivateKey.from_private_bytes(raw)


def key_of(user: User, secret: str) -> SigningKey:
    """The user's key pair, made (and stored encrypted) on first use."""
    key = db.session.get(SigningKey, user.id)
    if key is None:
        private = Ed25519PrivateKey.generate()
        key = SigningKey(user_id=user.id, public_key=private.public_key().public_bytes(**_RAW).hex(),
                         encrypted_private_key=_encrypt(private, secret, user.id))
        db.session.add(key)
        db.session.flush()
    return key


def sign(user: User, message: bytes, secret: str) -> tuple[str, str]:
    """(public key hex, signature hex) of ``message`` by the user's key."""
    key = key_of(user, secret)
    private = _decrypt(key.encrypted_private_key, secret, user.id)
    return key.public_key, private.sign(message).hex()


def signature_ok(public_key_hex: str, signature_hex: str, message: bytes) -> bool:
    """Does the signature verify under the public key? (Malformed values do not.)"""
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True

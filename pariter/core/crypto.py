"""Encryption of sensitive values at rest (MultiFernet).

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys; the first
encrypts, all decrypt, so a key is rotated by prepending a new one and
re-saving). Development derives one key from SECRET_KEY so `make run` needs
no setup; production settings require the variable.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        derived = hashlib.sha256(f"pariter-field-encryption:{settings.SECRET_KEY}".encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()

"""Seller login: argon2 password hashes, the admin user and the cookie-signing secret (PLAT-3)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from dealplan.clock import utcnow
from dealplan.enums import UserRole
from dealplan.history.service import recording
from dealplan.user.models import User
from dealplan.workspace.service import get_setting, set_setting

ADMIN_EMAIL = "admin@dealplan.local"
ADMIN_NAME = "Admin"
SECRET_SETTING = "web_secret_key"  # noqa: S105  (the settings key, not a secret)
SELLER_ROLES = frozenset(r.value for r in UserRole)
_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown email as slow as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """The seller with this email and password, or None (same answer and time for both faults)."""
    user = session.scalars(select(User).where(User.email == email.strip().lower())).first()
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or user.role not in SELLER_ROLES:
        return None
    return user


@dataclass(frozen=True)
class AdminLogin:
    user_id: int
    email: str
    # The password when this call generated it (print it once), else None.
    generated_password: str | None


def ensure_admin(*, session: Session, password: str = "") -> AdminLogin:
    """Create the local admin (admin@dealplan.local) when missing; give it `password` if set.

    Without a password an existing admin keeps its own; a new one gets a generated password,
    returned once so the caller can print it.
    """
    user = session.scalars(select(User).where(User.email == ADMIN_EMAIL)).first()
    generated = None
    if not password and (user is None or not user.password_hash):
        password = generated = secrets.token_urlsafe(12)
    with recording(session, actor="dealplan serve", at=utcnow()):
        if user is None:
            user = User(email=ADMIN_EMAIL, name=ADMIN_NAME, role=UserRole.ADMIN.value)
            user.created_at = utcnow()
            session.add(user)
        if password and not verify_password(user.password_hash, password):
            user.password_hash = hash_password(password)
        session.flush()
    return AdminLogin(user_id=user.id, email=ADMIN_EMAIL, generated_password=generated)


def secret_key(*, session: Session, configured: str) -> str:
    """The secret that signs session cookies: the setting, else one kept in the workspace."""
    if configured:
        return configured
    stored = get_setting(session=session, key=SECRET_SETTING)
    if isinstance(stored, str) and stored:
        return stored
    fresh = secrets.token_urlsafe(48)
    set_setting(session=session, key=SECRET_SETTING, value=fresh)
    return fresh

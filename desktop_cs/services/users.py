"""Staff accounts: password hashing (argon2id), the first supervisor, sign-in with lockout."""
from __future__ import annotations

import datetime as dt
import re

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from desktop_cs import clock
from desktop_cs.i18n import N_, _
from desktop_cs.models import User, database
from desktop_cs.models.user import ROLE_SUPERVISOR, ROLES
from desktop_cs.services import audit, team_settings
from desktop_cs.services.errors import AuthenticationFailed, Conflict, ValidationError
from desktop_cs.services.permissions import MANAGE_USERS, require

MIN_PASSWORD_LENGTH = 8
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=5)
ROLE_LABELS = {ROLE_SUPERVISOR: N_("supervisor"), "specialist": N_("specialist")}
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{2,32}$")

# OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16,
                         type=Type.ID)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def validate_password(password: str, repeated: str | None = None, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(_("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH),
                              field)
    if repeated is not None and password != repeated:
        raise ValidationError(_("The two passwords differ."), field + "_repeat")


def validate_login(login: str) -> str:
    login = (login or "").strip()
    if not LOGIN_PATTERN.match(login):
        raise ValidationError(_("A login is 2 to 32 letters, digits, dots, dashes or underscores."), "login")
    return login


def role_label(role: str) -> str:
    return _(ROLE_LABELS.get(role, role))


def has_users() -> bool:
    return User.select().exists()


def _create(actor: User | None, login: str, display_name: str, role: str, password: str) -> User:
    login = validate_login(login)
    display_name = (display_name or "").strip() or login
    if len(display_name) > 64:
        raise ValidationError(_("The name is too long (64 characters at most)."), "display_name")
    if role not in ROLES:
        raise ValidationError(_("Unknown role: {role}").format(role=role), "role")
    validate_password(password)
    if User.select().where(User.login == login).exists():
        raise ValidationError(_("The login {login} is taken.").format(login=login), "login")
    user = User.create(login=login, display_name=display_name, role=role, password_hash=hash_password(password))
    audit.record(actor or user, "user_created", entity="user", entity_id=user.id,
                 summary=f"{login} ({role})")
    return user


def create_user(actor: User | None, login: str, display_name: str, role: str, password: str) -> User:
    """Create an account. Without users yet, anyone may create the first; afterwards a supervisor."""
    if has_users():
        require(actor, MANAGE_USERS, "users.create")   # outside the transaction: the refusal stays audited
    with database.atomic():
        if not has_users() and role != ROLE_SUPERVISOR:
            raise ValidationError(_("The first account must be a supervisor."), "role")
        return _create(actor, login, display_name, role, password)


def bootstrap_supervisor(login: str, display_name: str, password: str, company_name: str = "") -> User:
    """Create the first supervisor and the default reference lists (only while there is no user)."""
    from desktop_cs.services import reference_data

    with database.atomic():
        if has_users():
            raise Conflict(_("The first account exists already: sign in instead."))
        user = _create(None, login, display_name, ROLE_SUPERVISOR, password)
        if company_name:
            team_settings.put(user, team_settings.COMPANY_NAME, company_name)
        reference_data.seed(user)
    return user


def first_run(company_name: str, login: str, display_name: str, password: str, repeated: str) -> User:
    """The first-run dialog: company name, then the first supervisor, all in one transaction."""
    company_name = (company_name or "").strip()
    if not company_name:
        raise ValidationError(_("Enter the company name."), "company_name")
    if len(company_name) > 100:
        raise ValidationError(_("The company name is too long (100 characters at most)."), "company_name")
    validate_login(login)
    validate_password(password, repeated)
    return bootstrap_supervisor(login, display_name, password, company_name)


def authenticate(login: str, password: str) -> User:
    """Check a login and password; five failures in a row lock the account for five minutes.

    Failures are recorded (counter and audit) before the error is raised, outside the
    transaction, so a refusal is never rolled back with it.
    """
    login = (login or "").strip()
    error: str | None = None
    with database.atomic():
        user = User.get_or_none(User.login == login)
        now = clock.now()
        if user is None:
            audit.record(None, "sign_in_failed", entity="user", summary=login, user_name=login)
            error = _("Wrong login or password.")
        elif not user.active:
            audit.record(user, "sign_in_failed", entity="user", entity_id=user.id, summary="inactive")
            error = _("This account is deactivated. Ask your supervisor.")
        elif user.locked_until and user.locked_until > now:
            minutes = max(1, (int((user.locked_until - now).total_seconds()) + 59) // 60)
            audit.record(user, "sign_in_failed", entity="user", entity_id=user.id, summary="locked")
            error = _("Too many wrong passwords: the account is locked for {n} more minutes.").format(n=minutes)
        elif not verify_password(user.password_hash, password):
            failed = user.failed_logins + 1
            locked_until = now + LOCKOUT if failed >= MAX_FAILED_LOGINS else None
            User.update(failed_logins=0 if locked_until else failed, locked_until=locked_until).where(
                User.id == user.id).execute()
            audit.record(user, "sign_in_failed", entity="user", entity_id=user.id,
                         summary="locked" if locked_until else "wrong password")
            if locked_until:
                error = _("Too many wrong passwords: the account is locked for {n} minutes.").format(
                    n=int(LOCKOUT.total_seconds() // 60))
            else:
                error = _("Wrong login or password.")
        else:
            User.update(failed_logins=0, locked_until=None, last_login_at=now).where(User.id == user.id).execute()
            audit.record(user, "sign_in", entity="user", entity_id=user.id)
    if error:
        raise AuthenticationFailed(error)
    return User.get_by_id(user.id)


def change_own_password(user: User, old_password: str, new_password: str, repeated: str) -> None:
    """A signed-in user changes their password (required after a reset)."""
    if not verify_password(user.password_hash, old_password):
        raise ValidationError(_("The current password is wrong."), "old_password")
    validate_password(new_password, repeated, "new_password")
    with database.atomic():
        User.update(password_hash=hash_password(new_password), must_change_password=False).where(
            User.id == user.id).execute()
        audit.record(user, "password_changed", entity="user", entity_id=user.id)
    user.password_hash = User.get_by_id(user.id).password_hash
    user.must_change_password = False


def get_by_login(login: str) -> User | None:
    return User.get_or_none(User.login == login)


def active_specialists() -> list[User]:
    return list(User.select().where(User.active == True, User.role == "specialist")  # noqa: E712
                .order_by(User.display_name))

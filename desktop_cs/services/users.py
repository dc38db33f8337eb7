"""Staff accounts: password hashing (argon2id), the first supervisor, sign-in with lockout, user management.

Accounts are never deleted (history keeps the name): a supervisor deactivates them. Every
change is audited; passwords never enter the log.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from desktop_cs import clock
from desktop_cs.i18n import N_, _
from desktop_cs.models import User, database
from desktop_cs.models.user import ROLE_SPECIALIST, ROLE_SUPERVISOR, ROLES
from desktop_cs.services import audit, team_settings
from desktop_cs.services.errors import AuthenticationFailed, Conflict, NotFound, ValidationError
from desktop_cs.services.permissions import MANAGE_USERS, WORK_OWN, action, register, require

MIN_PASSWORD_LENGTH = 8
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=5)
ROLE_LABELS = {ROLE_SUPERVISOR: N_("supervisor"), ROLE_SPECIALIST: N_("specialist")}
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


def _check_display_name(display_name: str, login: str) -> str:
    display_name = (display_name or "").strip() or login
    if len(display_name) > 64:
        raise ValidationError(_("The name is too long (64 characters at most)."), "display_name")
    return display_name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(_("Unknown role: {role}").format(role=role), "role")
    return role


def _create(actor: User | None, login: str, display_name: str, role: str, password: str,
            must_change_password: bool = False, repeated: str | None = None) -> User:
    login = validate_login(login)
    display_name = _check_display_name(display_name, login)
    _check_role(role)
    validate_password(password, repeated)
    if User.select().where(User.login == login).exists():
        raise ValidationError(_("The login {login} is taken.").format(login=login), "login")
    user = User.create(login=login, display_name=display_name, role=role, password_hash=hash_password(password),
                       must_change_password=must_change_password)
    audit.record(actor or user, "user_created", entity="user", entity_id=user.id,
                 summary=f"{login} ({role})",
                 details={"changes": {"login": [None, login], "display_name": [None, display_name],
                                      "role": [None, role], "active": [None, True]},
                          "must_change_password": must_change_password})
    return user


def create_user(actor: User | None, login: str, display_name: str, role: str, password: str,
                must_change_password: bool | None = None, repeated: str | None = None) -> User:
    """Create an account. Without users yet, anyone may create the first; afterwards a supervisor.

    An account a supervisor creates must change its password at the first sign-in
    (MUST_CHANGE_PASSWORD None), unless told otherwise. REPEATED, when given, must match
    PASSWORD (field ``password_repeat``).
    """
    if has_users():
        require(actor, MANAGE_USERS, "users.create")   # outside the transaction: the refusal stays audited
    with database.atomic():
        first = not has_users()
        if first and role != ROLE_SUPERVISOR:
            raise ValidationError(_("The first account must be a supervisor."), "role")
        if must_change_password is None:
            must_change_password = not first
        return _create(actor, login, display_name, role, password, must_change_password, repeated)


register("users.create", MANAGE_USERS, create_user)


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


@action("users.change_own_password", WORK_OWN)
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


#: the session events a window reports (the sign-in itself is logged by ``authenticate``)
SESSION_EVENTS = ("sign_out", "screen_locked")


@action("users.note_session", WORK_OWN)
def note_session(actor: User, event: str) -> None:
    """Log the end of ACTOR's session (quit or switch user) or the screen locked after being idle."""
    if event not in SESSION_EVENTS:
        raise ValidationError(_("Unknown session event: {event}").format(event=event), "event")
    audit.record(actor, event, entity="user", entity_id=actor.id)


# -- managing accounts (supervisors) ----------------------------------------------------------------

@dataclass
class UserRow:
    """An account as the users dialog lists it (never its password hash)."""

    id: int
    login: str
    display_name: str
    role: str
    role_label: str
    active: bool
    must_change_password: bool
    locked_until: dt.datetime | None
    last_login_at: dt.datetime | None
    created_at: dt.datetime
    #: live customers assigned to this account (a deactivated specialist's are handed over)
    customers: int


def _row(user: User, held: dict[int, int]) -> UserRow:
    locked = user.locked_until if user.locked_until and user.locked_until > clock.now() else None
    return UserRow(user.id, user.login, user.display_name, user.role, role_label(user.role), bool(user.active),
                   bool(user.must_change_password), locked, user.last_login_at, user.created_at,
                   held.get(user.id, 0))


def _held() -> dict[int, int]:
    import peewee as pw

    from desktop_cs.models import Customer
    return dict(Customer.select(Customer.assigned_to, pw.fn.COUNT(Customer.id))
                .where(Customer.deleted_at.is_null() & Customer.merged_into.is_null()
                       & Customer.assigned_to.is_null(False))
                .group_by(Customer.assigned_to).tuples())


def _get(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(_("User {id} does not exist.").format(id=user_id))
    return user


def _active_supervisors(exclude_id: int | None = None) -> int:
    query = User.select().where((User.role == ROLE_SUPERVISOR) & (User.active == True))  # noqa: E712
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return query.count()


@action("users.list", MANAGE_USERS)
def list_users(actor: User, include_inactive: bool = True) -> list[UserRow]:
    """Every account (deactivated ones too, unless INCLUDE_INACTIVE is False), active first, by name."""
    query = User.select().order_by(User.active.desc(), User.display_name, User.id)
    if not include_inactive:
        query = query.where(User.active == True)  # noqa: E712
    held = _held()
    return [_row(u, held) for u in query]


@action("users.get", MANAGE_USERS)
def get_user(actor: User, user_id: int) -> UserRow:
    """One account as the users dialog shows it."""
    return _row(_get(user_id), _held())


@action("users.update", MANAGE_USERS)
def update_user(actor: User, user_id: int, display_name: str, role: str) -> UserRow:
    """Change an account's display name and role (audited before → after).

    A supervisor cannot change their own role, and the last active supervisor stays one.
    """
    _check_role(role)
    with database.atomic():
        user = _get(user_id)
        name = _check_display_name(display_name, user.login)
        if role != user.role:
            if user.id == actor.id:
                raise ValidationError(_("You cannot change your own role: ask another supervisor."), "role")
            if user.role == ROLE_SUPERVISOR and user.active and _active_supervisors(exclude_id=user.id) == 0:
                raise ValidationError(_("The team needs at least one active supervisor."), "role")
        changes = {k: [old, new] for k, old, new in (("display_name", user.display_name, name),
                                                     ("role", user.role, role)) if old != new}
        if changes:
            User.update(display_name=name, role=role).where(User.id == user.id).execute()
            audit.record(actor, "user_updated", entity="user", entity_id=user.id, summary=user.login,
                         details={"changes": changes})
    return get_user(actor, user_id)


@action("users.deactivate", MANAGE_USERS)
def deactivate_user(actor: User, user_id: int) -> UserRow:
    """Switch an account off: it cannot sign in any more, its history keeps its name (never deleted).

    Refused for oneself and for the last active supervisor. The customers it still holds
    stay assigned until a supervisor hands them over (``UserRow.customers`` says how many).
    """
    with database.atomic():
        user = _get(user_id)
        if user.id == actor.id:
            raise ValidationError(_("You cannot deactivate your own account."), "active")
        if not user.active:
            return get_user(actor, user_id)
        if user.role == ROLE_SUPERVISOR and _active_supervisors(exclude_id=user.id) == 0:
            raise ValidationError(_("The team needs at least one active supervisor."), "active")
        User.update(active=False).where(User.id == user.id).execute()
        row = get_user(actor, user_id)
        audit.record(actor, "user_deactivated", entity="user", entity_id=user.id, summary=user.login,
                     details={"changes": {"active": [True, False]}, "customers_held": row.customers})
        return row


@action("users.reactivate", MANAGE_USERS)
def reactivate_user(actor: User, user_id: int) -> UserRow:
    """Switch a deactivated account on again (its lockout cleared)."""
    with database.atomic():
        user = _get(user_id)
        if user.active:
            return get_user(actor, user_id)
        User.update(active=True, failed_logins=0, locked_until=None).where(User.id == user.id).execute()
        audit.record(actor, "user_reactivated", entity="user", entity_id=user.id, summary=user.login,
                     details={"changes": {"active": [False, True]}})
        return get_user(actor, user_id)


@action("users.reset_password", MANAGE_USERS)
def reset_password(actor: User, user_id: int, new_password: str, repeated: str | None = None) -> UserRow:
    """Give an account a new password that its owner must change at the next sign-in; clears a lockout.

    The password itself is never logged.
    """
    validate_password(new_password, repeated, "new_password")
    with database.atomic():
        user = _get(user_id)
        User.update(password_hash=hash_password(new_password), must_change_password=True, failed_logins=0,
                    locked_until=None).where(User.id == user.id).execute()
        audit.record(actor, "password_reset", entity="user", entity_id=user.id, summary=user.login,
                     details={"must_change_password": True, "was_locked": bool(user.locked_until
                                                                                and user.locked_until > clock.now())})
        return get_user(actor, user_id)


def active_specialists() -> list[User]:
    return list(User.select().where(User.active == True, User.role == "specialist")  # noqa: E712
                .order_by(User.display_name))

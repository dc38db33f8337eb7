"""Accounts: argon2id hashes, the first supervisor, sign-in with lockout, and the permission check."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_cs import clock
from desktop_cs.models import AuditEntry, Setting, Tier, User
from desktop_cs.services import audit, users
from desktop_cs.services.errors import AuthenticationFailed, Conflict, PermissionDenied, ValidationError
from tests.conftest import TEST_PASSWORD


def test_first_run_creates_supervisor_company_and_reference_lists(db):
    user = users.first_run("华信财富", "boss", "王主管", "secret-123", "secret-123")
    assert user.role == "supervisor"
    assert user.password_hash.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in user.password_hash   # OWASP parameters
    assert "secret-123" not in user.password_hash
    assert Setting.get_by_id("company_name").value == '"华信财富"'
    assert Tier.select().count() == 3


@pytest.mark.parametrize("args, field", [
    (("", "boss", "王", "secret-123", "secret-123"), "company_name"),
    (("公司", "b", "王", "secret-123", "secret-123"), "login"),
    (("公司", "boss", "王", "short", "short"), "password"),
    (("公司", "boss", "王", "secret-123", "secret-124"), "password_repeat"),
])
def test_first_run_refuses_bad_input_and_stores_nothing(db, args, field):
    with pytest.raises(ValidationError) as err:
        users.first_run(*args)
    assert err.value.field == field
    assert err.value.message   # a translated sentence, not a code
    assert not users.has_users()


def test_first_run_twice_is_refused(supervisor):
    with pytest.raises(Conflict):
        users.first_run("公司", "boss2", "王", "secret-123", "secret-123")


def test_sign_in_and_wrong_password(supervisor):
    assert users.authenticate("boss", TEST_PASSWORD).id == supervisor.id
    with pytest.raises(AuthenticationFailed):
        users.authenticate("boss", "wrong-password")
    with pytest.raises(AuthenticationFailed):
        users.authenticate("nobody", TEST_PASSWORD)
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert actions.count("sign_in") == 1 and actions.count("sign_in_failed") == 2


def test_five_wrong_passwords_lock_the_account_for_five_minutes(supervisor):
    start = dt.datetime(2026, 11, 2, 10, 0, 0)
    clock.freeze(start)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            users.authenticate("boss", "wrong-password")
    with pytest.raises(AuthenticationFailed, match="5"):
        users.authenticate("boss", TEST_PASSWORD)      # right password, still locked
    clock.freeze(start + dt.timedelta(minutes=5, seconds=1))
    assert users.authenticate("boss", TEST_PASSWORD).failed_logins == 0


def test_a_deactivated_account_cannot_sign_in(specialist):
    User.update(active=False).where(User.id == specialist.id).execute()
    with pytest.raises(AuthenticationFailed):
        users.authenticate("spec1", TEST_PASSWORD)


def test_only_a_supervisor_creates_users_and_the_refusal_is_audited(specialist):
    with pytest.raises(PermissionDenied):
        users.create_user(specialist, "spec2", "赵", "specialist", TEST_PASSWORD)
    assert not User.select().where(User.login == "spec2").exists()
    assert AuditEntry.select().where(AuditEntry.action == "permission_denied").count() == 1


def test_change_own_password(specialist):
    with pytest.raises(ValidationError) as err:
        users.change_own_password(specialist, "wrong", "new-pass-123", "new-pass-123")
    assert err.value.field == "old_password"
    users.change_own_password(specialist, TEST_PASSWORD, "new-pass-123", "new-pass-123")
    assert users.authenticate("spec1", "new-pass-123").id == specialist.id


def test_audit_chain_verifies_and_names_an_edited_row(supervisor, db):
    users.authenticate("boss", TEST_PASSWORD)
    report = audit.verify_chain()
    assert report.ok and report.checked >= 4
    victim = AuditEntry.select().order_by(AuditEntry.id).offset(2).first()
    # Tamper below the guards, as an attacker with the file would.
    db.execute_sql("DROP TRIGGER audit_entry_no_update")
    db.execute_sql("UPDATE audit_entry SET summary = 'forged' WHERE id = ?", (victim.id,))
    assert audit.verify_chain().first_broken_id == victim.id

"""Accounts: argon2id hashes, the first supervisor, sign-in with lockout, and the permission check."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from desktop_cs import clock
from desktop_cs.models import AuditEntry, Setting, Tier, User
from desktop_cs.services import audit, users
from desktop_cs.services.errors import AuthenticationFailed, Conflict, PermissionDenied, ValidationError
from tests.conftest import TEST_PASSWORD
from tests.db_tools import drop_guards, raw


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
    drop_guards(db, "audit_entry")
    raw(db, "UPDATE audit_entry SET summary = 'forged' WHERE id = ?", (victim.id,))
    assert audit.verify_chain().first_broken_id == victim.id


# -- user management (supervisors) --------------------------------------------------------------------

def test_a_supervisor_creates_lists_and_edits_users_audited(supervisor):
    spec = users.create_user(supervisor, "spec2", "赵专员", "specialist", TEST_PASSWORD)
    assert spec.must_change_password                     # a password someone else chose is changed at once
    rows = {r.login: r for r in users.list_users(supervisor)}
    assert set(rows) == {"boss", "spec2"} and rows["spec2"].role == "specialist" and rows["spec2"].active
    assert not hasattr(rows["spec2"], "password_hash")

    users.update_user(supervisor, spec.id, "赵主管", "supervisor")
    stored = User.get_by_id(spec.id)
    assert (stored.display_name, stored.role) == ("赵主管", "supervisor")
    entry = AuditEntry.select().where(AuditEntry.action == "user_updated").get()
    assert json.loads(entry.details)["changes"] == {"display_name": ["赵专员", "赵主管"],
                                                    "role": ["specialist", "supervisor"]}


def test_reset_password_forces_a_change_at_the_next_sign_in(supervisor, specialist):
    users.change_own_password(specialist, TEST_PASSWORD, "my-own-pass-1", "my-own-pass-1")
    assert not User.get_by_id(specialist.id).must_change_password
    users.reset_password(supervisor, specialist.id, "temp-pass-123")
    with pytest.raises(AuthenticationFailed):
        users.authenticate("spec1", "my-own-pass-1")
    signed_in = users.authenticate("spec1", "temp-pass-123")
    assert signed_in.must_change_password                # app.run_gui shows the required change dialog
    users.change_own_password(signed_in, "temp-pass-123", "new-pass-456", "new-pass-456")
    assert not users.authenticate("spec1", "new-pass-456").must_change_password
    logged = " ".join(e.summary + e.details for e in AuditEntry.select())
    assert "temp-pass-123" not in logged and "new-pass-456" not in logged
    assert AuditEntry.select().where(AuditEntry.action == "password_reset").count() == 1


def test_reset_password_clears_a_lockout_and_needs_eight_characters(supervisor, specialist):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            users.authenticate("spec1", "wrong-password")
    with pytest.raises(ValidationError) as err:
        users.reset_password(supervisor, specialist.id, "short")
    assert err.value.field == "new_password"
    users.reset_password(supervisor, specialist.id, "temp-pass-123")
    assert users.authenticate("spec1", "temp-pass-123").id == specialist.id


def test_deactivated_user_cannot_sign_in_and_reactivation_restores(supervisor, specialist):
    row = users.deactivate_user(supervisor, specialist.id)
    assert not row.active
    with pytest.raises(AuthenticationFailed):
        users.authenticate("spec1", TEST_PASSWORD)
    assert User.select().where(User.id == specialist.id).exists()      # never deleted
    # an open session of the deactivated account is refused at its next action
    with pytest.raises(PermissionDenied):
        users.change_own_password(specialist, TEST_PASSWORD, "new-pass-456", "new-pass-456")
    users.reactivate_user(supervisor, specialist.id)
    assert users.authenticate("spec1", TEST_PASSWORD).id == specialist.id
    actions = [e.action for e in AuditEntry.select().order_by(AuditEntry.id)]
    assert "user_deactivated" in actions and "user_reactivated" in actions


def test_a_supervisor_keeps_their_own_account_and_the_last_supervisor(supervisor, specialist):
    with pytest.raises(ValidationError):
        users.deactivate_user(supervisor, supervisor.id)
    with pytest.raises(ValidationError):
        users.update_user(supervisor, supervisor.id, "王主管", "specialist")
    second = users.create_user(supervisor, "boss2", "钱主管", "supervisor", TEST_PASSWORD)
    users.deactivate_user(second, supervisor.id)           # another supervisor may
    with pytest.raises(ValidationError):
        users.update_user(second, second.id, "钱主管", "specialist")   # own role, and the last one
    users.reactivate_user(second, supervisor.id)
    users.update_user(supervisor, second.id, "钱主管", "specialist")     # boss is the last supervisor again
    with pytest.raises(ValidationError):
        users.deactivate_user(supervisor, supervisor.id)


def test_a_demoted_supervisor_loses_the_powers_at_once(supervisor):
    second = users.create_user(supervisor, "boss2", "钱主管", "supervisor", TEST_PASSWORD)
    users.list_users(second)
    users.update_user(supervisor, second.id, "钱主管", "specialist")
    with pytest.raises(PermissionDenied):
        users.list_users(second)                          # the object in memory still says supervisor


@pytest.mark.parametrize("call", [
    lambda s, other: users.list_users(s),
    lambda s, other: users.create_user(s, "spec9", "某", "specialist", TEST_PASSWORD),
    lambda s, other: users.update_user(s, other.id, "某", "specialist"),
    lambda s, other: users.deactivate_user(s, other.id),
    lambda s, other: users.reactivate_user(s, other.id),
    lambda s, other: users.reset_password(s, other.id, "temp-pass-123"),
])
def test_a_specialist_cannot_manage_users(supervisor, specialist, call):
    before = AuditEntry.select().where(AuditEntry.action == "permission_denied").count()
    with pytest.raises(PermissionDenied):
        call(specialist, supervisor)
    assert AuditEntry.select().where(AuditEntry.action == "permission_denied").count() == before + 1
    assert User.get_by_id(supervisor.id).active and User.select().count() == 2


def test_a_refusal_inside_a_transaction_is_still_audited(supervisor, specialist):
    from desktop_cs.models import database
    from desktop_cs.services.permissions import ACTIONS, WORK_ANY, WORK_OWN, action, require

    @action("test.inside", WORK_OWN)
    def inside(actor):
        with database.atomic():
            audit.record(actor, "test_write")
            require(actor, WORK_ANY, "test.inside")     # the write above is rolled back, the refusal is not

    try:
        with pytest.raises(PermissionDenied):
            inside(specialist)
    finally:
        ACTIONS.pop("test.inside")
    assert not AuditEntry.select().where(AuditEntry.action == "test_write").exists()
    entry = AuditEntry.select().where(AuditEntry.action == "permission_denied").get()
    assert entry.summary == "test.inside" and entry.user_id == specialist.id
    assert audit.verify_chain().ok


def test_failed_sign_in_with_a_mobile_as_login_is_logged_masked(supervisor):
    with pytest.raises(AuthenticationFailed):
        users.authenticate("13812345678", TEST_PASSWORD)
    entry = AuditEntry.select().where(AuditEntry.action == "sign_in_failed").get()
    assert "13812345678" not in entry.summary + entry.user_name
    assert entry.user_name == "138****5678"

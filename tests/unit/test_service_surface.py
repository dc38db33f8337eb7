"""Every public function of the service layer is an action (permission-checked, walked by the permission test)
or is listed here with the reason it is not an entry point.

A view, the command line or a test can call any public function, so one that reads or
writes customer data without ``@action`` is a door around the permission table. Helpers
meant for other services take a leading underscore; the few public ones that stay are
classified below. A new public function fails this test until it is an action or listed.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import desktop_cs.services as services_package
from desktop_cs.services.permissions import ACTIONS

PURE = "pure: no database"
REFERENCE = "reads team lists or settings, no customer data"
HOOK = "internal: called by another action inside its transaction"
SIGN_IN = "accounts and sign-in, before anyone is signed in"
INFRA = "infrastructure: the database, the permission table, the audit chain"
PREDICATE = "a yes/no on an object the caller already holds"
OWNER_REVIEW = "helper of a data-in/out module; called by its actions (owner to review)"

NOT_ACTIONS: dict[str, dict[str, str]] = {
    "assignment": {"specialist_loads": REFERENCE},
    "audit": {"action_label": PURE, "canonical_text": PURE, "chain_hash": PURE, "record": INFRA,
              "verify_chain": INFRA},
    "backup_crypto": {"derive_key": PURE, "is_encrypted": PURE, "encrypt_file": PURE, "decrypt_file": PURE},
    "calendar": {name: REFERENCE for name in (
        "parse_minutes", "format_minutes", "parse_slot", "quiet_hours", "check_quiet_hours", "holiday_name",
        "snapshot", "is_working_day", "is_quiet", "next_allowed_time", "add_working_hours", "year_is_official",
        "unofficial_year_notice", "notice_once", "forget_notices", "list_overrides", "library_day_kind",
        "library_schedule")},
    "callbacks": {"script_texts": REFERENCE, "standard_script": REFERENCE, "complaint_offer_available": PURE,
                  "on_verification_result": HOOK, "create_first_contact": HOOK, "campaign_rows": PURE,
                  "list_rules": REFERENCE, "team_members": REFERENCE,
                  "failed_phone_attempts": "a count for one callback id the caller was shown"},
    "complaints": {"can_work": PREDICATE, "deadlines": PURE, "apply_verification_result": HOOK,
                   "page_ids": "ids only, scoped by the actor; the page itself comes from the search action",
                   "harassing_info": "a marked number's masked summary, for the warning wherever it is typed",
                   "is_harassing": PREDICATE, "duration_stats": PURE, "categories": REFERENCE,
                   "root_causes": REFERENCE, "severity_targets": REFERENCE, "handlers": REFERENCE},
    "customers": {"customer_filter": "builds WHERE conditions for another action (campaigns)",
                  "page_ids": "ids only, scoped by the actor; the page itself comes from the search action",
                  "can_edit": PREDICATE, "note_contact": HOOK},
    "connection": {name: "this PC's choice of database (before anyone signs in), no customer data" for name in (
        "set_override", "saved_team_server", "password_warning", "save_team_server", "use_this_pc",
        "configured_url", "is_team_mode", "test_connection", "connection_failure_message", "override_in_force")},
    "database": {name: INFRA for name in (
        "state", "is_read_only", "mount_table", "is_network_path", "network_notice", "open_app_database",
        "close_app_database", "switch_to_read_only", "service_error_for", "server_unreachable_message", "ping",
        "is_team_server", "server_url")},
    "demo_data": {"id_check_char": PURE},
    "enquiries": {"topics": REFERENCE},
    "exports": {"kind_label": PURE, "suggested_name": PURE, "target_in": PURE},
    "identity": {name: PURE for name in ("ascii_digits", "id_check_character", "check_id_number",
                                         "normalize_mobile", "normalize_email", "check_length")},
    "imports": {name: OWNER_REVIEW for name in (
        "decision_label", "field_label", "normalize_header", "guess_mapping", "saved_mappings",
        "apply_saved_mapping", "check_mapping", "inspect_file", "dry_run", "problems_text", "write_refused_rows",
        "normalize_email")},
    "backups": {name: OWNER_REVIEW for name in (
        "settings_path", "load_settings", "check_file", "file_summary", "table_counts", "backups_folder",
        "list_backups", "online_copy", "make_backup", "last_change_id", "changed_since_last_backup",
        "backup_if_changed", "backup_on_exit", "retained", "prune", "startup_check", "check_structure",
        "newest_good_backup", "inspect_backup", "restore_database", "restore_as")},
    "labels": {"label": PURE, "choices": PURE},
    "masking": {name: PURE for name in ("mask_mobile", "mask_id_number", "mask_phone", "scrub_text", "scrub")},
    "permissions": {name: INFRA for name in ("allowed", "write_pending_refusals", "require", "require_own",
                                             "register", "action")},
    "phone_numbers": {name: PURE for name in ("is_withheld_text", "check_caller_number", "canonical", "variants",
                                              "display", "masked")},
    "points": {"adjustment_threshold": REFERENCE, "describe_rule": PURE, "on_customer_saved": HOOK,
               "move_for_merge": HOOK},
    "printing": {"suggestion_theme": PURE, "safe_file_name": PURE, "choice_labels": PURE, "write_pdf": PURE,
                 "file_name": PURE, "specialist_by_login": REFERENCE},
    "reference_data": {"seed": HOOK},
    "search_keys": {name: PURE for name in ("to_simplified", "normalize_query", "customer_search_key")},
    "spreadsheets": {name: PURE for name in ("neutralise", "unneutralise", "safe_value", "open_table",
                                             "check_xlsx_archive", "cell_text", "write_table")},
    "team_settings": {"get": REFERENCE, "put": HOOK, "logo_bytes": REFERENCE},
    "tiers": {"list_tiers": REFERENCE, "all_tags": REFERENCE, "tag_counts": REFERENCE},
    "users": {name: SIGN_IN for name in ("hash_password", "verify_password", "validate_password", "validate_login",
                                         "role_label", "has_users", "bootstrap_supervisor", "first_run",
                                         "authenticate", "get_by_login", "active_specialists")},
}


def _public_functions():
    for info in pkgutil.iter_modules(services_package.__path__):
        module = importlib.import_module(f"{services_package.__name__}.{info.name}")
        for name, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__ and not name.startswith("_"):
                yield info.name, name, value


def test_every_public_service_function_is_an_action_or_classified():
    functions = list(_public_functions())          # imports every module, which fills ACTIONS
    actions = {id(fn) for _permission, fn in ACTIONS.values()}
    unclassified = [f"{module}.{name}" for module, name, fn in functions
                    if id(fn) not in actions and name not in NOT_ACTIONS.get(module, {})]
    assert unclassified == [], ("make these actions (@action with a permission) or private (_name), or add them "
                                f"to NOT_ACTIONS with the reason: {unclassified}")


def test_views_do_not_call_internal_hooks():
    """The hooks write inside another action's transaction and check nothing: no screen calls them."""
    from pathlib import Path
    views = Path(services_package.__file__).parents[1] / "views"
    hooks = [(module, name) for module, names in NOT_ACTIONS.items() for name, why in names.items() if why == HOOK]
    found = []
    for path in views.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {module}.{name}" for module, name in hooks if f"{module}.{name}(" in text]
    assert found == []

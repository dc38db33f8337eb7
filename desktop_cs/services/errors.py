"""The errors a service raises; each carries a message already translated for the user."""
from __future__ import annotations


class ServiceError(Exception):
    """Work refused or failed for a reason the user can act on (shown as-is, never a traceback)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(ServiceError):
    """Bad input; FIELD names the form field it belongs to, so a view can show it beside that field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class FormErrors(ValidationError):
    """Several fields are wrong at once; ERRORS maps each field to its message (a view shows each beside its field)."""

    def __init__(self, errors: dict[str, str]):
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, first_field)
        self.errors = errors


class PermissionDenied(ServiceError):
    """The acting user may not do this."""


class NotFound(ServiceError):
    """The record asked for does not exist (or is not visible)."""


class Conflict(ServiceError):
    """Another user or another copy of the program changed the data first, or holds the lock."""


class AuthenticationFailed(ServiceError):
    """Wrong login or password, or a locked / inactive account."""

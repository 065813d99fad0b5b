"""Errors the user sees. Every message is Japanese and names what is wrong and where."""


class UserError(Exception):
    """A problem the user can act on; the CLI prints it as one `エラー:` line, the window as a dialog."""


class ValidationError(UserError):
    """Bad input for one field; `field` is the Japanese field label shown beside the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message


class NotFoundError(UserError):
    """The row asked for is not (or no longer) in the database."""


class StoreError(UserError):
    """The database file cannot be used as it is (damaged, too new, locked...)."""

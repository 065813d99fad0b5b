"""Errors the user sees. Every message is Japanese and names what is wrong and where."""


class UserError(Exception):
    """A problem the user can act on; the CLI prints it as one `エラー:` line, the window as a dialog."""


class ValidationError(UserError):
    """Bad input for one field; `field` is the Japanese field label shown beside the input,
    `name` the field's key in the service's declaration (base.Field.name) when it is known, so a
    form finds its input by key and not by the label's wording."""

    def __init__(self, field: str, message: str, name: str | None = None) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.reason = message
        self.name = name


class NotFoundError(UserError):
    """The row asked for is not (or no longer) in the database."""


class StoreError(UserError):
    """The database file cannot be used as it is (damaged, too new, locked...)."""


def file_problem(path: object, exc: OSError) -> str:
    """Why a file could not be read or written, in words a volunteer can act on."""
    import errno

    reasons = {
        errno.ENOSPC: "空き容量が足りません",
        errno.EDQUOT: "使える容量の上限に達しました",
        errno.EACCES: "書き込みが許されていません（読み取り専用か、ほかのプログラムが開いています）",
        errno.EPERM: "書き込みが許されていません（読み取り専用か、ほかのプログラムが開いています）",
        errno.EROFS: "読み取り専用です",
        errno.ENOENT: "場所が見つかりません（USBメモリが抜かれた、フォルダーが消されたなど）",
        errno.EIO: "読み書きの途中で失敗しました（USBメモリが抜かれたなど）",
    }
    reason = reasons.get(exc.errno or 0, exc.strerror or str(exc))
    return f"{path} を読み書きできません（{reason}）"

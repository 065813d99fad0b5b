"""migrations/schema.json: what each migration revision builds, written down once.

Opening a file compares its schema with what our migrations build (app.store's guard). Building
that in a database in memory needs alembic, which took most of a second of every start although
no migration was due. The description is therefore kept beside the migrations, together with a
digest of the migration scripts it was made from: while the digest matches, the store reads the
head, the known revisions and the expected schema from here and never imports alembic. When the
scripts change (a new migration) and the file was not rewritten, the store builds the schema
with alembic as before: slower, never wrong. tests/test_schema_file.py fails until

    python -m app.schema_file

rewrites it. Only the standard library here: this runs on every start.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

NAME = "schema.json"

Schema = dict[str, tuple]


Described = tuple[str, dict[str, Schema]]  # (head, {revision: schema})
_loaded: dict[str, tuple[tuple, Described | None]] = {}


def _scripts(migrations: Path) -> list[Path]:
    return [migrations / "env.py", *sorted((migrations / "versions").glob("*.py"))]


def digest(migrations: Path) -> str:
    """The migration scripts as alembic runs them (line endings aside: a Windows checkout may
    turn them into CRLF)."""
    h = hashlib.sha256()
    for script in _scripts(migrations):
        h.update(script.name.encode() + b"\0")
        h.update(script.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def load(migrations: Path) -> Described | None:
    """(head, {revision: schema}) when the file describes these very scripts, else None. Read
    again only when one of the files changed (the store asks several times per open)."""
    try:
        stamp = tuple((p.name, s.st_mtime_ns, s.st_size)
                      for p in (migrations / NAME, *_scripts(migrations)) for s in [p.stat()])
    except OSError:
        return None
    cached = _loaded.get(str(migrations))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    described: Described | None = None
    try:
        data = json.loads((migrations / NAME).read_text(encoding="utf-8"))
        if data.get("digest") == digest(migrations):
            described = data["head"], {rev: {name: _tuples(shape) for name, shape in schema.items()}
                                       for rev, schema in data["revisions"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        described = None
    _loaded[str(migrations)] = (stamp, described)
    return described


def stated_head(migrations: Path) -> str | None:
    """The head as schema.json states it, not checked against the scripts: enough to tell that a
    file is of this program's revision before reading it with sqlite3 (services/plain_read.py),
    at a fraction of load()'s cost. The store's guard checks the digest (load); a schema.json
    left stale by a new migration fails tests/test_schema_file.py."""
    try:
        head = json.loads((migrations / NAME).read_text(encoding="utf-8")).get("head")
    except (OSError, ValueError, AttributeError):
        return None
    return head if isinstance(head, str) else None


def write(migrations: Path, head: str, schemas: dict[str, Schema]) -> Path:
    """One line per object, so a new migration reads as a short diff."""
    def line(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    revisions = ",\n".join(
        f" {line(rev)}: {{\n" + ",\n".join(f"  {line(name)}: {line(shape)}"
                                           for name, shape in sorted(schemas[rev].items())) + "\n }"
        for rev in sorted(schemas))
    path = migrations / NAME
    path.write_text(f'{{"digest": {line(digest(migrations))}, "head": {line(head)}, "revisions": {{\n'
                    f"{revisions}\n}}}}\n", encoding="utf-8")
    return path


def main() -> None:
    """Rewrite migrations/schema.json from the migrations (run after adding one)."""
    from app import store

    migrations = store.bundle_root() / "migrations"
    head = store.alembic_head()
    schemas = {rev: store.build_schema(rev) for rev in sorted(store.alembic_revisions())}
    print(f"{write(migrations, head, schemas)}: {len(schemas)}つの版（最新 {head}）")


if __name__ == "__main__":
    main()

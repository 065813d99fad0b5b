"""Encryption at rest, in one run: the time to open an encrypted database including the key
derivation (scrypt N=2^17; target <= 1 s), and 10,000 members inserted through the services into
an encrypted and a plain file (target: encrypted <= 1.5x plain).

    .venv/bin/python benchmarks/encryption_bench.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import cipher
from app.services import councils, members, privacy
from app.store import Store

PASSCODE = "48151623"


def _insert(path: Path, passcode: str | None) -> float:
    if passcode:
        cipher.unlock(path, passcode)
    with Store.open(path) as store:
        council = councils.find_council(store, "計測")
        rows = [{"name": f"山田 花子{i}", "furigana": "やまだ はなこ", "roles": ["住民"],
                 "is_thinker": True, "phone": "090-0000-0000", "registered_on": "2025-04-01"}
                for i in range(10_000)]  # the same rows as benchmarks/run.py
        start = time.perf_counter()
        members.create_members(store, council.id, rows)
        return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="sasaeai-enc-bench-") as tmp:
        plain, enc = Path(tmp) / "plain.sqlite3", Path(tmp) / "enc.sqlite3"
        for path in (plain, enc):
            with Store.open(path) as store:
                councils.create_council(store, {"name": "計測"})
        with Store.open(enc) as store:
            privacy.set_passcode(store, PASSCODE, PASSCODE)

        opens = []
        for _ in range(3):
            start = time.perf_counter()
            cipher.unlock(enc, PASSCODE)
            Store.open(enc).close()
            opens.append(time.perf_counter() - start)
        plain_open = time.perf_counter()
        Store.open(plain).close()
        plain_open = time.perf_counter() - plain_open

        plain_s = _insert(plain, None)
        enc_s = _insert(enc, PASSCODE)
        print(f"open encrypted (scrypt N=2^17 + SQLCipher), best of 3: {min(opens):.2f} s "
              f"(worst {max(opens):.2f} s; target <= 1 s); open plain: {plain_open:.2f} s")
        print(f"10,000 members through the services: plain {plain_s:.2f} s, encrypted "
              f"{enc_s:.2f} s, ratio {enc_s / plain_s:.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()

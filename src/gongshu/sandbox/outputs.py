"""Job output files: written to a staging folder while the job runs, moved into place in the same
transaction that records them, so a killed worker leaves no partial output behind."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

PREVIEW_ROWS = 20
BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Produced:
    """One output file in the staging folder, with what the review pages show of it."""

    name: str
    kind: str  # table | metrics | model
    path: Path
    rows: int | None = None
    preview: dict[str, Any] | None = None


def staging_dir(jobs_dir: Path, number: str) -> Path:
    return jobs_dir / ".staging" / number


def final_dir(jobs_dir: Path, number: str) -> Path:
    return jobs_dir / number


def write_table(folder: Path, name: str, table: pa.Table) -> Produced:
    """A controlled result as CSV (UTF-8 with BOM, so spreadsheet software reads Chinese right)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("wb") as fh:
        fh.write(BOM)
        pacsv.write_csv(table, fh)
    return Produced(name, "table", path, table.num_rows, preview(table))


def preview(table: pa.Table) -> dict[str, Any]:
    head = table.slice(0, PREVIEW_ROWS).to_pylist()
    return {"columns": table.column_names, "rows": [[_plain(r[c]) for c in table.column_names] for r in head]}


def _plain(v: object) -> object:
    return v if v is None or isinstance(v, int | float | str | bool) else str(v)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def publish(jobs_dir: Path, number: str) -> Path:
    """Move the staging folder into place (atomic rename on one file system)."""
    src, dest = staging_dir(jobs_dir, number), final_dir(jobs_dir, number)
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    src.rename(dest)
    return dest


def discard(jobs_dir: Path, number: str) -> None:
    """Remove whatever a job left in staging or in place (failed, refused or lost jobs)."""
    for d in (staging_dir(jobs_dir, number), final_dir(jobs_dir, number), jobs_dir / ".work" / number):
        shutil.rmtree(d, ignore_errors=True)


def preview_json(p: Produced) -> str:
    return json.dumps(p.preview, ensure_ascii=False) if p.preview is not None else ""

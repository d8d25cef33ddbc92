"""Writing an export's files (CSV, codebook, FHIR, REDCap): the one place where export files are created.

Each file appears whole or not at all, or all of them in one zip, through `services.private_files`: exclusive
create under a random partial name, no link followed, mode 0600 (folders 0700), renamed over the target.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from services.errors import UserError
from services.private_files import private_dir, private_file, write_private


def _refuse(path: str, reason: str) -> UserError:
    return UserError("err_export_path", path=path, reason=reason)


def _writable(folder: Path, path: str) -> None:
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(path, f"the folder {folder} is not writable")


def check_target(zip_file: Path | None, out: Path | None = None) -> None:
    """Before any query: refuse a target that cannot be written (one sentence, no traceback); a missing folder
    given as `out` is created later, when its nearest existing parent is a writable folder."""
    if zip_file is not None:
        if zip_file.is_dir():
            raise _refuse(str(zip_file), "it is a folder; give a file name, for example export.zip")
        if not zip_file.parent.is_dir():
            raise _refuse(str(zip_file), f"the folder {zip_file.parent} does not exist")
        _writable(zip_file.parent, str(zip_file))
        return
    if out is None:
        return
    existing = next(p for p in (out, *out.parents) if p.exists() or p == Path(p.anchor))
    if not existing.is_dir():
        reason = "it is a file, not a folder" if existing == out else f"{existing} is a file, not a folder"
        raise _refuse(str(out), reason)
    _writable(existing, str(out))


def write(files: dict[str, str], *, out: Path | None, zip_file: Path | None) -> list[Path]:
    """`files` (name -> text) into the folder `out` (created if needed), or into the zip; the paths written."""
    try:
        return _write(files, out=out, zip_file=zip_file)
    except OSError as exc:  # a disk that filled up, a folder that went away: no partial file is left behind
        raise _refuse(str(zip_file or out), exc.strerror or type(exc).__name__) from exc


def _write(files: dict[str, str], *, out: Path | None, zip_file: Path | None) -> list[Path]:
    if zip_file is not None:
        with private_file(zip_file) as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                archive.writestr(name, text)  # a str name: the entry is 0600 too
        return [Path(name) for name in files]
    assert out is not None
    private_dir(out)
    return [write_private(out / name, text.encode()) for name, text in files.items()]

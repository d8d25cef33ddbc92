"""Writing an export's files (CSV, codebook, FHIR, REDCap): the one place where export files are created.

Each file appears whole or not at all, or all of them in one zip, through `bot.private_files`: exclusive
create under a random partial name, no link followed, mode 0600 (folders 0700), renamed over the target.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from bot.private_files import private_dir, private_file, write_private
from bot.services.errors import UserError


def write(files: dict[str, str], *, out: Path | None, zip_file: Path | None) -> list[Path]:
    """`files` (name -> text) into the folder `out` (created if needed), or into the zip; the paths written."""
    if zip_file is not None:
        with private_file(zip_file) as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                archive.writestr(name, text)  # a str name: the entry is 0600 too
        return [Path(name) for name in files]
    assert out is not None
    private_dir(out)
    return [write_private(out / name, text.encode()) for name, text in files.items()]


def check_target(zip_file: Path | None) -> None:
    """Before any query: a zip file's folder must exist (a folder given with --out is created)."""
    if zip_file is not None and not zip_file.parent.is_dir():
        raise UserError("err_export_path", path=str(zip_file), reason=f"the folder {zip_file.parent} does not exist")

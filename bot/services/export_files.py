"""Writing an export's files (CSV, codebook, FHIR, REDCap): the one place where export files are created.

Each file appears whole or not at all (written beside its target, then renamed); or all of them in one zip.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path


def write(files: dict[str, str], *, out: Path | None, zip_file: Path | None) -> list[Path]:
    """`files` (name -> text) into the folder `out` (created if needed), or into the zip; the paths written."""
    if zip_file is not None:
        partial = zip_file.with_name(f".{zip_file.name}.partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                archive.writestr(name, text)
        os.replace(partial, zip_file)
        return [Path(name) for name in files]
    assert out is not None
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        target = out / name
        tmp = target.with_name(f".{target.name}.partial")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
        written.append(target)
    return written

"""Every file b12bot writes to disk for a person to read (exports, QR pictures): owner-only, never via a link.

`private_file(target)` yields a binary file to write; on a clean exit the file replaces `target` whole. It is
written first under a fresh random name beside the target (`.<name>.<random>.partial`), created exclusively
(O_CREAT | O_EXCL) without following a symbolic link (O_NOFOLLOW), mode 0600 whatever the umask, flushed to
disk, then renamed over the target: a reader sees the whole file or nothing, a link planted at the partial
name makes the write fail instead of receiving the data, and a link planted at the target is replaced by the
file, not followed. On an error the partial file is removed. `private_dir(folder)` creates a missing folder
with mode 0700 (an existing one keeps its mode: the operator chose it). Every writer uses these two.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
DIR_MODE = 0o700
FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def partial_name(target: Path, nonce: str) -> Path:
    return target.with_name(f".{target.name}.{nonce}.partial")


@contextlib.contextmanager
def private_file(target: Path) -> Iterator[BinaryIO]:
    """Write `target` (mode 0600) through a fresh partial file; it appears whole or not at all."""
    partial = partial_name(target, secrets.token_hex(8))
    out = os.fdopen(os.open(partial, FLAGS, FILE_MODE), "wb")
    try:
        with out:
            os.fchmod(out.fileno(), FILE_MODE)  # the umask may only have removed bits; make it exact
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)  # rename(2) replaces a link at `target`, it does not follow it
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(partial)
        raise


def write_private(target: Path, data: bytes) -> Path:
    with private_file(target) as out:
        out.write(data)
    return target


def private_dir(folder: Path) -> Path:
    """`folder`, created with its parents (mode 0700, whatever the umask) when missing."""
    missing = [p for p in (folder, *folder.parents) if not p.exists()]
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    for created in missing:
        os.chmod(created, DIR_MODE)
    return folder

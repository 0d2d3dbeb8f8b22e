"""Writing a set of files into a folder without overwriting or following links by accident.

`headcount export --out DIR` may be given a folder that holds someone's work, or where a link
was planted (an export run by another user, or in a shared folder, would otherwise write
through it). Nothing is written unless every file can be: the folder must not be a symbolic
link; an existing file is replaced only when asked; a link is never written through, even then.
The folder is opened once without following links and every file is created relative to it
under a new name with O_NOFOLLOW and O_EXCL, then renamed over its name: a file that exists is
replaced, never written into, so neither a hard link (refused outright too) nor a link swapped
in after the checks is written through.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from pathlib import Path


class Refused(Exception):
    """Nothing was written; the message says why and what to do."""


def _opened_folder(folder: Path) -> int:
    if folder.is_symlink():
        raise Refused(
            f"{folder} is a symbolic link; give the real folder (links are not followed)."
        )
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except NotADirectoryError:
        raise Refused(f"{folder} is a file, not a folder; give a folder.") from None
    except OSError as error:  # ELOOP: it became a link after the check
        raise Refused(f"{folder} cannot be opened as a folder: {error.strerror}.") from None


def _existing(folder: int, names: list[str]) -> dict[str, os.stat_result]:
    found = {}
    for name in names:
        try:
            found[name] = os.lstat(name, dir_fd=folder)
        except FileNotFoundError:
            continue
    return found


def write_all(folder: Path, files: Mapping[str, bytes], overwrite: bool) -> None:
    """Write ``files`` (name to content) into ``folder``; refused, with nothing written, if
    the folder is a link, a file is a link or not a regular file, or a file exists and
    ``overwrite`` is false."""
    fd = _opened_folder(folder)
    try:
        existing = _existing(fd, list(files))
        links = sorted(n for n, s in existing.items() if stat.S_ISLNK(s.st_mode))
        if links:
            raise Refused(
                f"{', '.join(links)} in {folder} is a symbolic link: it is never written through, "
                "even with --force. Remove the link or choose another folder."
            )
        odd = sorted(n for n, s in existing.items() if not stat.S_ISREG(s.st_mode))
        if odd:
            raise Refused(
                f"{', '.join(odd)} in {folder} is not a regular file; choose another folder."
            )
        linked = sorted(n for n, s in existing.items() if s.st_nlink > 1)
        if linked:
            raise Refused(
                f"{', '.join(linked)} in {folder} is a hard link (the same file has another "
                "name elsewhere): it is never written through, even with --force. Remove it or "
                "choose another folder."
            )
        if existing and not overwrite:
            raise Refused(
                f"{', '.join(sorted(existing))} already exist(s) in {folder}. Nothing was written: "
                "choose an empty folder, or give --force to overwrite these files."
            )
        _write_then_rename(fd, folder, files)
    finally:
        os.close(fd)


def _write_then_rename(fd: int, folder: Path, files: Mapping[str, bytes]) -> None:
    """Each file written under a new name of its own (created, never opened if it exists),
    then renamed over its name: an existing file is replaced, never written into, so a link
    made after the checks, or someone reading the old file, is left as it was."""
    written: dict[str, str] = {}
    try:
        for name, content in files.items():
            temporary = f".{name}.{secrets.token_hex(8)}.partial"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
            try:
                handle = os.open(temporary, flags, 0o644, dir_fd=fd)
            except OSError as error:
                raise Refused(f"{folder / name} could not be created: {error.strerror}.") from None
            written[name] = temporary
            with os.fdopen(handle, "wb") as out:
                out.write(content)
        for name, temporary in list(written.items()):
            os.replace(temporary, name, src_dir_fd=fd, dst_dir_fd=fd)
            del written[name]
    finally:
        for temporary in written.values():  # refused or failed before its rename
            os.unlink(temporary, dir_fd=fd)

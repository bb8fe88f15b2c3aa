"""The definition files of an upload: YAML files as they are, or the YAML files of a ZIP.

Everything is read in memory and nothing is written or run. A ZIP is opened with limits
that hold whatever its headers claim: at most :data:`MAX_FILES` files, each read to at most
one byte more than a definition file may have (so a compressed bomb is never inflated), no
encrypted or nested archives. Names keep only their last part, so a member called
``../../etc/passwd.yaml`` is just ``passwd.yaml`` in messages.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import PurePosixPath, PureWindowsPath

from readiness.core.errors import ErrorCode, IssueList, Location
from readiness.core.yamlsource import MAX_FILE_BYTES

#: The most definition files one upload may hold (a set is four; a folder may hold a few).
MAX_FILES = 20
#: The most bytes the files of one upload may hold once unpacked.
MAX_TOTAL_BYTES = 4 * 1024 * 1024
YAML_SUFFIXES = (".yaml", ".yml")
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')


def safe_name(name: str) -> str:
    """The last part of an uploaded file's name, without control or path characters."""
    last = PurePosixPath(PureWindowsPath(name or "").name).name
    return _UNSAFE.sub("_", last)[:100] or "unnamed"


def definition_files(uploads: Iterable[tuple[str, bytes]], issues: IssueList) -> dict[str, bytes]:
    """The YAML files of ``uploads`` (name, bytes), ZIPs unpacked; problems in ``issues``."""
    files: dict[str, bytes] = {}
    for name, raw in uploads:
        shown = safe_name(name)
        if raw.startswith(b"PK\x03\x04") or shown.lower().endswith(".zip"):
            _unzip(shown, raw, files, issues)
        else:
            _add(files, shown, raw, issues)
    if sum(len(raw) for raw in files.values()) > MAX_TOTAL_BYTES:
        issues.add(
            ErrorCode.UPLOAD_001,
            Location("upload"),
            f"the files hold more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB together",
        )
        return {}
    return files


def _add(files: dict[str, bytes], name: str, raw: bytes, issues: IssueList) -> None:
    if not name.lower().endswith(YAML_SUFFIXES):
        issues.add(
            ErrorCode.UPLOAD_001,
            Location(name),
            "not read: only .yaml and .yml files (or a ZIP of them) are definitions",
            severity="warning",
        )
    elif name in files:
        issues.add(ErrorCode.UPLOAD_001, Location(name), "a second file with this name")
    elif len(files) >= MAX_FILES:
        issues.add(ErrorCode.UPLOAD_001, Location(name), f"not read: more than {MAX_FILES} files")
    else:
        files[name] = raw


def _unzip(name: str, raw: bytes, files: dict[str, bytes], issues: IssueList) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [m for m in archive.infolist() if not _skipped(m)]
            if len(members) > MAX_FILES:
                issues.add(
                    ErrorCode.UPLOAD_001,
                    Location(name),
                    f"the ZIP holds {len(members)} files; the limit is {MAX_FILES}",
                )
                return
            for member in members:
                _add_member(archive, member, name, files, issues)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        issues.add(ErrorCode.UPLOAD_001, Location(name), f"not a ZIP file that can be read ({exc})")


def _skipped(member: zipfile.ZipInfo) -> bool:
    """Folders, and the hidden files archivers add (``__MACOSX/``, ``.DS_Store``)."""
    parts = PurePosixPath(member.filename).parts
    hidden = [p for p in parts if p not in (".", "..") and p.startswith((".", "__MACOSX"))]
    return member.is_dir() or bool(hidden)


def _add_member(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    zip_name: str,
    files: dict[str, bytes],
    issues: IssueList,
) -> None:
    name = safe_name(member.filename)
    where = Location(f"{zip_name}: {name}")
    if member.flag_bits & 0x1:
        issues.add(
            ErrorCode.UPLOAD_001, where, "the file is encrypted; upload it without a password"
        )
    elif name.lower().endswith(".zip"):
        issues.add(ErrorCode.UPLOAD_001, where, "a ZIP inside a ZIP is not read")
    elif not name.lower().endswith(YAML_SUFFIXES):
        _add(files, name, b"", issues)  # says why it is not read
    elif member.file_size > MAX_FILE_BYTES:
        issues.add(
            ErrorCode.YAML_003,
            where,
            f"the file has {member.file_size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
        )
    else:  # read no more than the limit allows, whatever the header claims
        with archive.open(member) as handle:
            _add(files, name, handle.read(MAX_FILE_BYTES + 1), issues)

"""Archives of articles (`.zip`, `.tar`, `.tar.gz`, `.tgz`) read in place, never extracted.

An archive opened as a root is a folder whose files are its members: each article member
gets the id of its name inside the archive (`news/2019/a.md`), is decoded and parsed by
the same loader as a file (reader.loading.article.parse_article, with the same limits),
and nothing is ever written anywhere: members are read into memory, a bounded amount at
a time.

What a folder could not hold, or an archive uses to attack whoever unpacks it, is a load
problem of that member with its reason, and the others load:
- a name with a `..` part or an absolute name (it would point outside the archive);
- a symbolic or hard link member (tar), a symbolic link (zip, by its Unix mode), a
  device, FIFO or anything but a plain file;
- an encrypted member; a member whose data is corrupt (a bad CRC, a broken stream) or
  shorter than declared;
- a member over MAX_FILE_BYTES, by its declared size before reading and by what it
  really holds while reading (a header may lie); a zip member that would inflate more
  than MAX_RATIO times its stored size past RATIO_FLOOR bytes (a zip bomb);
- every member past MAX_ARCHIVE_BYTES read in all, or past MAX_MEMBERS entries.
Hidden members (a part starting with `.`) and names that are no article's are left out,
as in a folder. An archive that cannot be read at all is one problem, named by its path.
"""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from reader.limits import MAX_FILE_BYTES
from reader.loading.walk import is_article_name
from reader.model import Article, LoadProblem
from reader.text.names import escape_name
from reader.text.sanitize import one_line

if TYPE_CHECKING:
    import zipfile

# tarfile and zipfile (with bz2 and lzma) are imported by the functions that read an
# archive: 3 ms of CPU that opening a folder of no archives need not spend.

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz")
# Bytes read from one archive's members in all (what a folder of 100,000 articles
# holds several times over), and entries listed: past either, the rest are problems.
MAX_ARCHIVE_BYTES = 4 * 1024 * 1024 * 1024
MAX_MEMBERS = 1_000_000
# A zip member inflating more than MAX_RATIO times its stored size, to more than
# RATIO_FLOOR bytes, is taken for a bomb: text compresses 3-10 times.
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024
_CHUNK = 1024 * 1024


def is_archive(path: Path) -> bool:
    """Whether `path` is a file the reader opens as an archive (by its name)."""
    return path.name.lower().endswith(ARCHIVE_SUFFIXES) and path.is_file()


@dataclass(frozen=True, slots=True)
class Member:
    """An article member of an archive: its id (its name), the name as the archive
    writes it, its declared size and time, and why it cannot be read (else None)."""

    id: str
    name: str
    size: int
    mtime_ns: int
    refused: str | None = None


class ArchiveError(Exception):
    """The archive as a whole cannot be read (not an archive, truncated, unreadable)."""


def member_path(archive: Path, member_id: str) -> Path:
    """How a member is shown: the archive's path, then the member's name."""
    return Path(escape_name(os.fspath(archive))) / member_id


@dataclass(frozen=True, slots=True)
class Listing:
    """An archive's article members, and what cut its listing short (a tar damaged or
    truncated after some members: those before it are read), else None."""

    members: list[Member]
    damage: str | None = None


def list_members(archive: Path) -> Listing:
    """The article members of `archive`, in its order (hidden and non-article names
    left out). Raises ArchiveError when it cannot be read at all."""
    import tarfile
    import zipfile

    try:
        if _is_zip(archive):
            return Listing(_zip_members(archive))
        members: list[Member] = []
        try:
            _tar_members(archive, members)
        except (OSError, EOFError, tarfile.TarError, zlib.error) as error:
            if not members:
                raise
            return Listing(members, _reason(archive, error) + f" (after {len(members):,} members)")
        return Listing(members)
    except ArchiveError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zlib.error) as error:
        raise ArchiveError(_reason(archive, error)) from None


def read_members(
    archive: Path, members: Iterable[Member]
) -> Iterator[tuple[Member, Article | LoadProblem]]:
    """Each of `members` (from list_members) loaded, in the archive's order: an
    Article, or a LoadProblem saying why not. A failure to read the archive itself
    makes every member not yet read a problem."""
    import tarfile
    import zipfile

    wanted = {member.name: member for member in members}
    budget = [MAX_ARCHIVE_BYTES]
    done: set[str] = set()
    try:
        reader = _read_zip if _is_zip(archive) else _read_tar
        for member, data in reader(archive, wanted, budget):
            done.add(member.name)
            yield member, _loaded(archive, member, data)
    except (OSError, EOFError, zipfile.BadZipFile, tarfile.TarError, zlib.error) as error:
        reason = _reason(archive, error)
        for name, member in wanted.items():
            if name not in done:
                done.add(name)
                yield member, LoadProblem(member_path(archive, member.id), reason)
    for name, member in wanted.items():  # gone from the archive since it was listed
        if name not in done:
            yield member, LoadProblem(member_path(archive, member.id), "no longer in the archive")


def _loaded(archive: Path, member: Member, data: bytes | str) -> Article | LoadProblem:
    # Imported when a member is read: listing an unchanged archive needs no parser.
    from reader.loading.article import decode, parse_article

    shown = member_path(archive, member.id)
    if isinstance(data, str):
        return LoadProblem(shown, data)
    decoded = decode(data)
    if isinstance(decoded, str):
        return LoadProblem(shown, decoded)
    text, warnings = decoded
    try:
        return parse_article(
            text,
            path=shown,
            article_id=member.id,
            warnings=warnings,
            size=member.size,
            mtime_ns=member.mtime_ns,
        )
    except Exception as error:  # a member must never stop the others loading
        return LoadProblem(shown, f"unexpected error while loading: {type(error).__name__}")


def _is_zip(archive: Path) -> bool:
    return archive.name.lower().endswith(".zip")


def _reason(archive: Path, error: BaseException) -> str:
    kind = "zip" if _is_zip(archive) else "tar"
    detail = getattr(error, "strerror", None) or str(error) or type(error).__name__
    # One line, as every problem is (tarfile lists each method it tried on a line).
    return f"cannot read the {kind} archive: {one_line(detail)}"


def _member_id(name: str) -> tuple[str | None, str | None]:
    """(id, None) for an article member's name, (None, None) for one to leave out (a
    folder, hidden, no article), or (id, why not) for one that must not be read."""
    posix = name.replace("\\", "/")
    parts = [part for part in posix.split("/") if part not in ("", ".")]
    if not parts or posix.endswith("/"):
        return None, None
    shown = escape_name("/".join(parts))
    if ".." in parts:
        return shown, "its name has a `..` part (it points outside the archive)"
    if posix.startswith("/") or PurePosixPath(posix).is_absolute() or ":" in parts[0]:
        return shown, "its name is an absolute path"
    if any(part.startswith(".") for part in parts) or not is_article_name(parts[-1]):
        return None, None
    return shown, None


def _too_big(size: int) -> str:
    return f"member is {size / 1048576:.1f} MB, over the {MAX_FILE_BYTES // 1048576} MB limit"


# -- zip ---------------------------------------------------------------------------------


def _zip_members(archive: Path) -> list[Member]:
    import zipfile

    with zipfile.ZipFile(archive) as opened:
        infos = opened.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ArchiveError(f"the archive lists {len(infos):,} entries, over {MAX_MEMBERS:,}")
    members: list[Member] = []
    seen: set[str] = set()
    for info in infos:
        if info.is_dir():
            continue
        member_id, refused = _member_id(info.filename)
        if member_id is None or member_id in seen:
            continue  # a name twice: the first is read, as unzip would keep one
        seen.add(member_id)
        mode = info.external_attr >> 16
        if refused is None and stat.S_IFMT(mode) and not stat.S_ISREG(mode):
            refused = "symbolic link member" if stat.S_ISLNK(mode) else "not a plain file"
        if refused is None and info.flag_bits & 0x1:
            refused = "encrypted member (no password is asked for)"
        if refused is None and info.file_size > MAX_FILE_BYTES:
            refused = _too_big(info.file_size)
        if (
            refused is None
            and info.file_size > RATIO_FLOOR
            and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            refused = f"member inflates {ratio:,} times its stored size (a zip bomb?)"
        # The CRC-32 in the time's nanoseconds (zip times count in 2 s steps): an edit
        # that keeps a member's size and time (`zip -X`, fixed build times) is seen.
        stamp = _zip_time(info) + info.CRC % 1_000_000_000
        members.append(Member(member_id, info.filename, info.file_size, stamp, refused))
    return members


def _zip_time(info: zipfile.ZipInfo) -> int:
    try:
        moment = datetime(*info.date_time)
    except ValueError:
        return 0
    return int(moment.timestamp()) * 1_000_000_000


def _read_zip(
    archive: Path, wanted: dict[str, Member], budget: list[int]
) -> Iterator[tuple[Member, bytes | str]]:
    import zipfile

    read: set[str] = set()
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            member = wanted.get(info.filename)
            if member is None or info.is_dir() or info.filename in read:
                continue  # a name twice: the first is the member, as listed
            read.add(info.filename)
            if member.refused is not None:
                yield member, member.refused
                continue
            try:
                with opened.open(info) as stream:
                    yield member, _read_limited(stream, member.size, budget)
            except (zipfile.BadZipFile, zlib.error, EOFError) as error:
                yield member, f"corrupt member: {error}"
            except (RuntimeError, NotImplementedError) as error:
                yield member, f"cannot read the member: {error}"


# -- tar ---------------------------------------------------------------------------------


def _tar_members(archive: Path, members: list[Member]) -> None:
    """Add the article members of a tar to `members` (kept when reading fails later).

    A tar keeps no checksum of a member's data: the archive's own size and time go into
    each member's nanoseconds (tar times count in seconds), so when the archive changes
    every member is read again, and an edit that keeps a member's size and time is seen."""
    import tarfile

    info_of_archive = os.stat(archive)
    archive_stamp = hash((info_of_archive.st_size, info_of_archive.st_mtime_ns)) % 1_000_000_000
    seen: set[str] = set()
    with tarfile.open(archive, "r:*") as opened:
        for count, info in enumerate(opened, start=1):
            if count > MAX_MEMBERS:
                raise ArchiveError(f"the archive holds over {MAX_MEMBERS:,} entries")
            if info.isdir():
                continue
            member_id, refused = _member_id(info.name)
            if member_id is None or member_id in seen:
                continue
            seen.add(member_id)
            if refused is None and (info.issym() or info.islnk()):
                kind = "symbolic" if info.issym() else "hard"
                refused = f"{kind} link member (to {escape_name(info.linkname)}), not followed"
            elif refused is None and not info.isreg():
                refused = "not a plain file (a device, FIFO or other special member)"
            if refused is None and info.size > MAX_FILE_BYTES:
                refused = _too_big(info.size)
            members.append(
                Member(
                    member_id,
                    info.name,
                    info.size,
                    int(info.mtime) * 1_000_000_000 + archive_stamp,
                    refused,
                )
            )


def _read_tar(
    archive: Path, wanted: dict[str, Member], budget: list[int]
) -> Iterator[tuple[Member, bytes | str]]:
    import tarfile

    # In the archive's order: a compressed tar is read once, front to back.
    read: set[str] = set()
    with tarfile.open(archive, "r:*") as opened:
        for info in opened:
            member = wanted.get(info.name)
            if member is None or info.isdir() or info.name in read:
                continue  # a name twice: the first is the member, as listed
            read.add(info.name)
            if member.refused is not None:
                yield member, member.refused
                continue
            stream = opened.extractfile(info)
            if stream is None:
                yield member, "not a plain file"
                continue
            with stream:
                try:
                    yield member, _read_limited(stream, member.size, budget)
                except (tarfile.TarError, zlib.error, EOFError, OSError) as error:
                    yield member, f"corrupt member: {error}"


def _read_limited(stream: IO[bytes], declared: int, budget: list[int]) -> bytes | str:
    """A member's bytes, read a chunk at a time and never more than the limits allow
    (whatever its header declared): else why not."""
    if declared > budget[0]:
        return f"past the {MAX_ARCHIVE_BYTES // 1024**3} GB the reader reads from one archive"
    parts: list[bytes] = []
    size = 0
    while True:
        part = stream.read(min(_CHUNK, MAX_FILE_BYTES + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
        budget[0] -= len(part)
        if size > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES // 1048576
            return f"member holds over {limit} MB (its header said {declared:,} bytes)"
        if size > declared:
            return f"member holds more than the {declared:,} bytes its header declares"
    if size < declared:
        return f"corrupt member: {size:,} of its {declared:,} bytes"
    return b"".join(parts)

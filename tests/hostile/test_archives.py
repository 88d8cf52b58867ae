"""Archives opened in place: good members load as a folder's files do; every hostile
member is a load problem with its reason; nothing is ever written outside the cache."""

from __future__ import annotations

import io
import os
import stat
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

from reader.articles import open_store
from reader.index import archives as archives_module
from reader.limits import MAX_FILE_BYTES
from reader.model import LoadProblem

GOOD = "---\ntitle: {title}\ndate: 2020-01-0{day}\n---\nA body about {title}.\n"


def good(title: str, day: int = 1) -> bytes:
    return GOOD.format(title=title, day=day).encode()


def files_under(folder: Path) -> set[str]:
    return {
        os.path.relpath(os.path.join(parent, name), folder)
        for parent, _dirs, names in os.walk(folder)
        for name in names
    }


def load(archive: Path) -> tuple[dict[str, str], dict[str, str]]:
    """{id: title} of the articles, {shown path: message} of the problems."""
    store = open_store(archive)
    try:
        store.refresh()
        titles = {row.id: row.title for row in store.rows()}
        problems = {str(problem.path): problem.message for problem in store.problems()}
    finally:
        store.close()
    return titles, problems


def problem_of(problems: dict[str, str], archive: Path, member: str) -> str:
    return problems[str(archive / member)]


def hostile_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("news/good.md", good("Good"))
        archive.writestr("other.txt", good("Other", 2))
        archive.writestr("image.png", b"\x89PNG")  # no article: left out
        archive.writestr(".git/hidden.md", good("Hidden"))  # hidden: left out
        archive.writestr("../escape.md", good("Escape"))
        archive.writestr("/etc/absolute.md", good("Absolute"))
        link = zipfile.ZipInfo("link.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("locked.md", good("Locked"))  # marked encrypted below
        # 17 MB of zeros deflate to some 17 KB: over the file limit by its declared size.
        archive.writestr("bomb.md", b"0" * (MAX_FILE_BYTES + 1024 * 1024))
        # 2 MB that inflate 1,000 times: under the size limit, past the ratio.
        archive.writestr("ratio.md", b"---\ntitle: x\n---\n" + b"a" * (2 * 1024 * 1024))
        archive.writestr("binary.md", b"\x00\x01\x02")
        archive.writestr("corrupt.md", good("Corrupt") * 50)
    # Damage the data of corrupt.md (its CRC no longer matches, or it no longer inflates).
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("corrupt.md")
        locked = archive.getinfo("locked.md")
    # Mark locked.md encrypted (flag bit 0) in its local header and its directory entry.
    data[locked.header_offset + 6] |= 0x1
    entry = data.index(b"PK\x01\x02")  # the central directory's entries, in order
    while data[entry + 46 : entry + 46 + len(b"locked.md")] != b"locked.md":
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 8] |= 0x1
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 4
    for place in range(start, start + 8):
        data[place] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def test_a_hostile_zip_loads_its_good_members_and_names_every_bad_one(tmp_path: Path) -> None:
    archive = hostile_zip(tmp_path / "news.zip")
    before = files_under(tmp_path)
    titles, problems = load(archive)
    assert titles == {"news/good.md": "Good", "other.txt": "Other"}
    assert "`..`" in problem_of(problems, archive, "../escape.md")
    assert "absolute" in problem_of(problems, archive, "etc/absolute.md")
    assert "symbolic link" in problem_of(problems, archive, "link.md")
    assert "encrypted" in problem_of(problems, archive, "locked.md")
    assert "over the 16 MB limit" in problem_of(problems, archive, "bomb.md")
    assert "zip bomb" in problem_of(problems, archive, "ratio.md")
    assert "binary" in problem_of(problems, archive, "binary.md")
    assert "corrupt" in problem_of(problems, archive, "corrupt.md")
    assert len(problems) == 8
    # Nothing was written next to the archive, nor where `..` pointed.
    assert files_under(tmp_path) == before
    assert not (tmp_path.parent / "escape.md").exists()


def add_tar(archive: tarfile.TarFile, name: str, data: bytes = b"", **fields: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    for key, value in fields.items():
        setattr(info, key, value)
    archive.addfile(info, io.BytesIO(data) if data and info.isreg() else None)


@pytest.mark.parametrize("suffix", [".tar", ".tar.gz", ".tgz"])
def test_a_hostile_tar_loads_its_good_members_and_names_every_bad_one(
    tmp_path: Path, suffix: str
) -> None:
    archive = tmp_path / f"news{suffix}"
    mode = "w" if suffix == ".tar" else "w:gz"
    with tarfile.open(archive, mode) as opened:  # type: ignore[call-overload]
        add_tar(opened, "a/good.md", good("Good"))
        add_tar(opened, "a/../../escape.md", good("Escape"))
        add_tar(opened, "sym.md", type=tarfile.SYMTYPE, linkname="/etc/passwd")
        add_tar(opened, "hard.md", type=tarfile.LNKTYPE, linkname="a/good.md")
        add_tar(opened, "fifo.md", type=tarfile.FIFOTYPE)
        add_tar(opened, "device.md", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
        if suffix != ".tar":  # 17 MB of zeros: some 17 KB compressed
            add_tar(opened, "bomb.md", b"0" * (MAX_FILE_BYTES + 1024 * 1024))
    before = files_under(tmp_path)
    titles, problems = load(archive)
    assert titles == {"a/good.md": "Good"}
    assert "`..`" in problem_of(problems, archive, "a/../../escape.md")
    assert "symbolic link member (to /etc/passwd)" in problem_of(problems, archive, "sym.md")
    assert "hard link" in problem_of(problems, archive, "hard.md")
    assert "not a plain file" in problem_of(problems, archive, "fifo.md")
    assert "not a plain file" in problem_of(problems, archive, "device.md")
    if suffix != ".tar":
        assert "over the 16 MB limit" in problem_of(problems, archive, "bomb.md")
    assert files_under(tmp_path) == before
    assert not (tmp_path.parent / "escape.md").exists()


@pytest.mark.parametrize("name", ["news.zip", "news.tar.gz", "news.tar"])
def test_an_archive_that_is_no_archive_is_one_problem(tmp_path: Path, name: str) -> None:
    archive = tmp_path / name
    archive.write_bytes(b"this is not an archive at all" * 20)
    titles, problems = load(archive)
    assert titles == {}
    [(path, message)] = problems.items()
    assert path == str(archive) and "cannot read the" in message


def test_a_truncated_tar_gz_keeps_what_came_before_the_damage(tmp_path: Path) -> None:
    archive = tmp_path / "news.tgz"
    with tarfile.open(archive, "w:gz") as opened:
        for number in range(40):
            # Bodies that do not compress away, so the cut falls among the members.
            add_tar(opened, f"{number:02}.md", good(f"T{number}") + os.urandom(3000).hex().encode())
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    titles, problems = load(archive)
    # The members before the cut load; the archive is a problem saying where it broke.
    assert 0 < len(titles) < 40
    assert sorted(titles) == [f"{number:02}.md" for number in range(len(titles))]
    message = problems.pop(str(archive))
    # A member cut in the middle, if any, is a problem of its own.
    assert len(problems) <= 1
    assert all("corrupt" in text or "cannot read" in text for text in problems.values())
    listed = len(titles) + len(problems)
    assert "cannot read the tar archive" in message and f"(after {listed} members)" in message


def test_an_unchanged_archive_is_not_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "news.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        opened.writestr("a.md", good("A"))
        opened.writestr("b.md", good("B", 2))
    assert load(archive)[0] == {"a.md": "A", "b.md": "B"}
    listed: list[Path] = []
    real = archives_module.list_members

    def counting(path: Path) -> object:
        listed.append(path)
        return real(path)

    monkeypatch.setattr(archives_module, "list_members", counting)
    archives_module._listed.clear()
    assert load(archive)[0] == {"a.md": "A", "b.md": "B"}
    assert listed == []  # keyed by size and time: the cache answered
    # Changed: a member edited, one gone, one new.
    with zipfile.ZipFile(archive, "w") as opened:
        opened.writestr("a.md", good("A again"))
        opened.writestr("c.md", good("C", 3))
    os.utime(archive, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    assert load(archive)[0] == {"a.md": "A again", "c.md": "C"}
    assert listed == [archive]


def test_the_cli_reads_an_archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reader.cli import main

    archive = hostile_zip(tmp_path / "news.zip")
    assert main(["list", str(archive)]) == 0
    assert "[news/good.md]" in capsys.readouterr().out
    assert main(["show", "news/good.md", "--root", str(archive)]) == 0
    assert capsys.readouterr().out.startswith("Good\n")
    assert main(["search", "body", str(archive)]) == 0
    assert "[other.txt]" in capsys.readouterr().out
    assert main(["check", str(archive), "--json"]) == 1  # problems found
    out = capsys.readouterr().out
    assert "link.md" in out and "encrypted" in out


def test_members_are_problems_not_errors_when_reading_fails(tmp_path: Path) -> None:
    from reader.loading.archive import Member, read_members

    archive = tmp_path / "gone.zip"
    with zipfile.ZipFile(archive, "w") as opened:
        opened.writestr("a.md", good("A"))
    members = [Member("a.md", "a.md", 10, 0), Member("b.md", "b.md", 10, 0)]
    archive.write_bytes(b"damaged")
    loaded = list(read_members(archive, members))
    assert [member.id for member, _item in loaded] == ["a.md", "b.md"]
    assert all(isinstance(item, LoadProblem) for _member, item in loaded)


async def test_the_reader_opens_a_hostile_archive(tmp_path: Path) -> None:
    from tui.helpers import reader, running, titles

    archive = hostile_zip(tmp_path / "news.zip")
    before = files_under(tmp_path)
    async with running(archive) as pilot:
        app = reader(pilot)
        assert sorted(titles(app)) == ["Good", "Other"]
        assert len(app.session.problems) == 8
        shown = app.main.shown
        assert shown is not None and str(shown.path) == str(archive / shown.id)
    assert files_under(tmp_path) == before


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_a_name_twice_is_one_member_and_no_problem(tmp_path: Path, kind: str) -> None:
    archive = tmp_path / f"dup.{kind}"
    first, second = good("First"), good("Second, a longer title", 2)
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as opened, pytest.warns(UserWarning):
            opened.writestr("news/a.md", first)
            opened.writestr("news/a.md", second)
    else:
        with tarfile.open(archive, "w") as opened:
            add_tar(opened, "news/a.md", first)
            add_tar(opened, "news/a.md", second)
    titles, problems = load(archive)
    assert titles == {"news/a.md": "First"}
    assert problems == {}


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_an_edit_keeping_a_members_size_and_time_is_read(tmp_path: Path, kind: str) -> None:
    """Fixed member times (`zip -X`, reproducible builds): the edit is still seen."""
    archive = tmp_path / f"news.{kind}"

    def write(word: str) -> None:
        data = good(word)
        if kind == "zip":
            with zipfile.ZipFile(archive, "w") as opened:
                opened.writestr(zipfile.ZipInfo("a.md", (2020, 1, 1, 0, 0, 0)), data)
        else:
            with tarfile.open(archive, "w") as opened:
                add_tar(opened, "a.md", data, mtime=1_577_836_800)

    write("Alpha")
    assert load(archive)[0] == {"a.md": "Alpha"}
    write("Gamma")  # the same length, the same member time
    os.utime(archive, ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
    assert load(archive)[0] == {"a.md": "Gamma"}


def test_an_unreadable_archive_is_named_on_one_line(tmp_path: Path) -> None:
    archive = tmp_path / "news.tar.gz"
    archive.write_bytes(b"this is no gzip stream" * 20)
    _titles, problems = load(archive)
    [(_path, message)] = problems.items()
    assert "\n" not in message and "cannot read the tar archive" in message

"""The wheel carries the samples, stylesheets and licence under its own name and version,
and an installed copy finds them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import reader

REPO = Path(__file__).resolve().parent.parent
SEED_NAME = "000_98cd3e962c103980.txt"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: hatchling comes with the test extra, so no network is needed.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    (built,) = out.glob("article_reader-*.whl")
    return built


def test_wheel_contains_samples_and_styles(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert f"reader/_data/sample_articles/{SEED_NAME}" in names
    assert any(name.startswith("reader/_data/styles/") and name.endswith(".tcss") for name in names)
    # Every sample in the source tree is bundled, subfolders included.
    samples = REPO / "sample_articles"
    bundled = {
        "reader/_data/sample_articles/" + path.relative_to(samples).as_posix()
        for path in samples.rglob("*")
        if path.is_file()
    }
    assert bundled <= names


def test_wheel_is_article_reader_with_the_package_version_and_licence(wheel: Path) -> None:
    # "reader" on PyPI is another project; the version is written once, in the package.
    archive = zipfile.ZipFile(wheel)
    dist_info = f"article_reader-{reader.__version__}.dist-info"
    metadata = archive.read(f"{dist_info}/METADATA").decode()
    assert "\nName: article-reader\n" in metadata
    assert f"\nVersion: {reader.__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata
    licence = archive.read(f"{dist_info}/licenses/LICENSE").decode()
    assert licence.startswith("MIT License")
    assert licence == (REPO / "LICENSE").read_text()
    entry_points = archive.read(f"{dist_info}/entry_points.txt").decode()
    assert "reader = reader.launch:main" in entry_points  # the command is still `reader`


def test_installed_wheel_finds_its_bundled_data(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
         str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    script = (
        "import json, reader.resources as r; "
        "print(json.dumps([r.__file__, str(r.samples_dir()), str(r.styles_dir())]))"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    # Run from an empty folder so nothing can come from the source checkout.
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=workdir, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    module, samples, styles = (Path(item) for item in json.loads(result.stdout))
    assert module.is_relative_to(target)
    assert samples == target / "reader" / "_data" / "sample_articles"
    assert (samples / SEED_NAME).is_file()
    assert styles == target / "reader" / "_data" / "styles"
    assert list(styles.glob("*.tcss"))

    listed = subprocess.run(
        [sys.executable, "-m", "reader", "list", "--json"], env=env, cwd=workdir,
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    paths = [Path(item["path"]) for item in json.loads(listed.stdout)]
    assert samples / SEED_NAME in paths
    assert all(path.is_relative_to(samples) for path in paths)

    version = subprocess.run(
        [sys.executable, "-m", "reader", "--version"], env=env, cwd=workdir,
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert version.stdout == f"reader {reader.__version__}\n"

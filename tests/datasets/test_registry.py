"""Tests for :mod:`alliancelab.datasets.registry`.

The pinned digests are checked against SHA-256 computed here from the real files (hashlib), so
a test fails if a pin is mistyped or a file in the data folder changes.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from alliancelab.datasets.registry import DATA_FILES, DataFile, file_path, get_file
from alliancelab.errors import DataFileError, InputError


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def test_every_pinned_digest_matches_the_real_file(data_dir: Path) -> None:
    mismatched = [
        entry.name for entry in DATA_FILES.values()
        if _sha256(data_dir / entry.filename) != entry.sha256
    ]
    assert mismatched == []


def test_every_data_file_in_the_folder_is_registered(data_dir: Path) -> None:
    on_disk = {
        str(path.relative_to(data_dir)) for path in data_dir.rglob("*")
        if path.is_file() and path.suffix != ".md"
    }
    registered = {entry.filename for entry in DATA_FILES.values()}
    assert on_disk - registered == set()


def test_entries_are_complete_and_consistent() -> None:
    for name, entry in DATA_FILES.items():
        assert isinstance(entry, DataFile)
        assert entry.name == name
        assert len(entry.sha256) == 64 and int(entry.sha256, 16) >= 0
        assert entry.url.startswith(("http://", "https://"))
        assert entry.citation and entry.description and entry.dataset and entry.version
    filenames = [entry.filename for entry in DATA_FILES.values()]
    assert len(filenames) == len(set(filenames))


def test_peacesciencer_comparison_file_is_in_its_subfolder() -> None:
    entry = get_file("peacesciencer_ddy")
    assert entry.filename == "peacesciencer/cow_directed_dyad_years_atop_nmc_contiguity.csv.gz"


def test_no_cow_alliance_file_is_registered() -> None:
    # The COW alliance data's maintainer asks for no convenience functions; ATOP only.
    assert not any("cow" in e.filename and "alliance" in e.filename and "atop" not in e.filename
                   for e in DATA_FILES.values())


def test_unknown_name_lists_the_valid_names() -> None:
    with pytest.raises(InputError) as caught:
        get_file("nmc99")
    message = str(caught.value)
    assert "nmc99" in message and "nmc7" in message and "atop5_members" in message


def test_file_path_finds_a_file_in_an_explicit_folder(tmp_path: Path) -> None:
    (tmp_path / "cow_nmc_v7.0.csv").write_text("ccode,year\n")
    assert file_path("nmc7", tmp_path) == tmp_path / "cow_nmc_v7.0.csv"


def test_file_path_uses_the_environment_variable(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cow_states2016.csv").write_text("x\n")
    monkeypatch.setenv("ALLIANCELAB_DATA_DIR", str(tmp_path))
    assert file_path("states") == tmp_path / "cow_states2016.csv"


def test_missing_file_error_names_file_folder_and_fix(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        file_path("mindist", tmp_path)
    message = str(caught.value)
    assert "cshapes2_mindist_cow_dyad_year.csv.gz" in message
    assert str(tmp_path) in message
    assert "alliancelab data fetch mindist" in message
    assert "--data-dir" in message and "ALLIANCELAB_DATA_DIR" in message
    assert caught.value.exit_code == 2

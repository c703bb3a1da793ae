"""Tests for :mod:`alliancelab.datasets.fetch`.

The real download code runs against a loopback HTTP server (127.0.0.1, an ephemeral port)
that serves the real data folder. Its handler, written here, answers Range requests and can
be told to cut a response short, ignore Range, or corrupt the bytes, so resume and hash
failure are exercised over a real socket. The expected bytes and digests come from the real
files and the registry's pins, never from fetch's own output.
"""

from __future__ import annotations

import hashlib
import re
import socket
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest

from alliancelab.datasets import fetch as fetch_module
from alliancelab.datasets.fetch import fetch, raise_for_failures, status, verify_file
from alliancelab.datasets.registry import DATA_FILES
from alliancelab.errors import DataFileError, InputError

TIMEOUT = 5.0
"""Seconds any network step in these tests may wait, so a bug cannot hang the suite."""


def _name_of(filename: str) -> str:
    """Return the registry name of ``filename`` (tests pick files by their real names)."""
    matches = [entry.name for entry in DATA_FILES.values() if entry.filename == filename]
    assert len(matches) == 1, f"{filename} should be in the registry exactly once"
    return matches[0]


MAJORS = _name_of("cow_majors2016.csv")  # 525 bytes
STATES = _name_of("cow_states2016.csv")  # about 10 kB
NMC7 = _name_of("cow_nmc_v7.0.csv")  # about 880 kB: big enough to cut in half meaningfully
NESTED = _name_of("peacesciencer/isard_cw_system.csv.gz")  # about 4 kB, in a sub-folder


@dataclass
class ServerControl:
    """What the loopback server does, and what it was asked."""

    root: Path
    cut_short: int = 0
    """Number of upcoming responses to cut after half their body."""
    ignore_range: bool = False
    corrupt: set[str] = field(default_factory=set)
    """Request paths (relative to root) whose bytes are served altered."""
    as_web_page: set[str] = field(default_factory=set)
    """Request paths answered with ``Content-Type: text/html`` (like a login page)."""
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    """(path, Range header) of every request, in order."""
    lock: threading.Lock = field(default_factory=threading.Lock)


class _RangeHandler(BaseHTTPRequestHandler):
    """Serves files under ``server.control.root``; supports ``Range: bytes=N-``."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (name fixed by BaseHTTPRequestHandler)
        control: ServerControl = self.server.control  # type: ignore[attr-defined]
        relative = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path).lstrip("/")
        range_header = self.headers.get("Range")
        with control.lock:
            control.requests.append((relative, range_header))
            cut = control.cut_short > 0
            if cut:
                control.cut_short -= 1
        file = (control.root / relative).resolve()
        if control.root.resolve() not in file.parents or not file.is_file():
            self.send_error(404, "Not Found")
            return
        body = file.read_bytes()
        if relative in control.corrupt:
            # Same length, different content: only the hash can tell.
            body = bytes(byte ^ 0xFF for byte in body)
        start = 0
        match = re.fullmatch(r"bytes=(\d+)-", range_header or "")
        if match and not control.ignore_range:
            start = int(match.group(1))
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        payload = body[start:]
        content_type = "text/csv" if relative.endswith(".csv") else "application/gzip"
        if relative in control.as_web_page:
            content_type = "text/html; charset=utf-8"
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if cut:
            # Announce the full length, send half, then hang up: an interrupted download.
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output quiet."""


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the default cache at a temporary folder so no test touches the user's cache."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("ALLIANCELAB_CACHE_DIR", str(cache))
    # Proxies from the environment would route loopback requests elsewhere.
    for scheme in ("http", "https", "all"):
        for variable in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY"):
            monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(fetch_module, "RETRY_DELAY", 0.0)  # retries are exercised, not timed
    return cache


@pytest.fixture
def server(data_dir: Path) -> Iterator[tuple[str, ServerControl]]:
    """A loopback HTTP server over the real data folder: yields (base URL, control)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _RangeHandler)
    httpd.daemon_threads = True
    control = ServerControl(root=data_dir)
    httpd.control = control  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    host, port = httpd.server_address[:2]
    try:
        yield f"http://{host}:{port}", control
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=TIMEOUT)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to open a URL fail the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("this code path must not use the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def _source(data_dir: Path, name: str) -> Path:
    return data_dir / DATA_FILES[name].filename


def _leftovers(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.part")) if folder.exists() else []


def test_fetch_downloads_and_verifies_files(
    server: tuple[str, ServerControl], data_dir: Path, isolated_cache: Path
) -> None:
    base_url, control = server
    results = fetch([MAJORS, STATES, NESTED], base_url=base_url, progress=False, timeout=TIMEOUT)

    assert [result.status for result in results] == ["downloaded"] * 3
    for result in results:
        source = _source(data_dir, result.name)
        # Default cache is $ALLIANCELAB_CACHE_DIR, laid out like the data folder.
        assert result.path == isolated_cache / DATA_FILES[result.name].filename
        assert result.path.read_bytes() == source.read_bytes()
        assert result.bytes == source.stat().st_size
        assert result.message == ""
    assert [path for path, _ in control.requests] == [
        DATA_FILES[name].filename for name in (MAJORS, STATES, NESTED)
    ]
    assert _leftovers(isolated_cache) == []


def test_second_fetch_is_already_cached_without_a_request(
    server: tuple[str, ServerControl], isolated_cache: Path
) -> None:
    base_url, control = server
    fetch([MAJORS], base_url=base_url, progress=False, timeout=TIMEOUT)
    control.requests.clear()

    again = fetch([MAJORS, MAJORS], base_url=base_url, progress=False, timeout=TIMEOUT)

    assert [(result.name, result.status, result.bytes) for result in again] == [
        (MAJORS, "already cached", 0)
    ]
    assert control.requests == []


def test_interrupted_download_is_kept_and_resumed_with_range(
    server: tuple[str, ServerControl], data_dir: Path, isolated_cache: Path
) -> None:
    base_url, control = server
    source = _source(data_dir, NMC7)
    size = source.stat().st_size
    target = isolated_cache / DATA_FILES[NMC7].filename
    part = target.with_name(target.name + ".part")

    control.cut_short = 1
    first = fetch([NMC7], base_url=base_url, progress=False, timeout=TIMEOUT, retries=0)

    assert first[0].status == "failed"
    assert not target.exists()
    assert part.stat().st_size == size // 2
    assert "resumes" in first[0].message and DATA_FILES[NMC7].filename in first[0].message

    second = fetch([NMC7], base_url=base_url, progress=False, timeout=TIMEOUT, retries=0)

    assert second[0].status == "resumed"
    assert control.requests[-1] == (DATA_FILES[NMC7].filename, f"bytes={size // 2}-")
    assert second[0].bytes == size - size // 2  # only the missing half travelled
    assert target.read_bytes() == source.read_bytes()
    assert not part.exists()


def test_interruption_is_resumed_within_the_same_call(
    server: tuple[str, ServerControl], data_dir: Path, isolated_cache: Path
) -> None:
    base_url, control = server
    size = _source(data_dir, NMC7).stat().st_size
    control.cut_short = 1

    results = fetch([NMC7], base_url=base_url, progress=False, timeout=TIMEOUT)

    assert results[0].status == "resumed"
    assert [header for _, header in control.requests] == [None, f"bytes={size // 2}-"]
    assert results[0].bytes == size  # half, then the other half
    assert verify_file(results[0].path, DATA_FILES[NMC7].sha256)


def test_server_that_ignores_range_restarts_from_the_first_byte(
    server: tuple[str, ServerControl], data_dir: Path, isolated_cache: Path
) -> None:
    base_url, control = server
    source = _source(data_dir, STATES)
    target = isolated_cache / DATA_FILES[STATES].filename
    part = target.with_name(target.name + ".part")
    part.parent.mkdir(parents=True)
    # A wrong prefix: appending the rest of a 200 answer to it would corrupt the file.
    part.write_bytes(b"x" * 100)
    control.ignore_range = True

    results = fetch([STATES], base_url=base_url, progress=False, timeout=TIMEOUT)

    assert control.requests[0][1] == "bytes=100-"
    assert results[0].status == "downloaded"
    assert target.read_bytes() == source.read_bytes()


def test_stale_part_that_fails_after_resuming_is_downloaded_again_whole(
    server: tuple[str, ServerControl], data_dir: Path, isolated_cache: Path
) -> None:
    base_url, control = server
    source = _source(data_dir, STATES)
    target = isolated_cache / DATA_FILES[STATES].filename
    target.parent.mkdir(parents=True)
    # A leftover whose prefix differs from the file (e.g. the file changed upstream).
    target.with_name(target.name + ".part").write_bytes(b"z" * 100)

    results = fetch([STATES], base_url=base_url, progress=False, timeout=TIMEOUT)

    assert [header for _, header in control.requests] == ["bytes=100-", None]
    assert results[0].status == "downloaded"
    assert target.read_bytes() == source.read_bytes()


def test_web_page_instead_of_the_file_is_refused(
    server: tuple[str, ServerControl], isolated_cache: Path
) -> None:
    base_url, control = server
    control.as_web_page.add(DATA_FILES[MAJORS].filename)

    results = fetch([MAJORS], base_url=base_url, progress=False, timeout=TIMEOUT)

    assert results[0].status == "failed" and "web page" in results[0].message
    assert len(control.requests) == 1
    assert not results[0].path.exists() and _leftovers(isolated_cache) == []


def test_part_longer_than_the_file_gets_416_and_restarts(
    server: tuple[str, ServerControl], data_dir: Path, isolated_cache: Path
) -> None:
    base_url, control = server
    source = _source(data_dir, MAJORS)
    target = isolated_cache / DATA_FILES[MAJORS].filename
    target.parent.mkdir(parents=True)
    target.with_name(target.name + ".part").write_bytes(b"y" * (source.stat().st_size + 10))

    results = fetch([MAJORS], base_url=base_url, progress=False, timeout=TIMEOUT)

    first_range = f"bytes={source.stat().st_size + 10}-"
    assert [header for _, header in control.requests] == [first_range, None]
    assert results[0].status == "downloaded"
    assert target.read_bytes() == source.read_bytes()
    assert _leftovers(isolated_cache) == []


def test_corrupted_bytes_leave_nothing_and_do_not_stop_other_files(
    server: tuple[str, ServerControl], data_dir: Path, isolated_cache: Path
) -> None:
    base_url, control = server
    control.corrupt.add(DATA_FILES[STATES].filename)
    expected_sha = DATA_FILES[STATES].sha256
    served = bytes(byte ^ 0xFF for byte in _source(data_dir, STATES).read_bytes())

    results = fetch([STATES, MAJORS], base_url=base_url, progress=False, timeout=TIMEOUT)

    failed, fine = results
    assert failed.status == "failed" and fine.status == "downloaded"
    assert not failed.path.exists()
    assert _leftovers(isolated_cache) == []
    actual_sha = hashlib.sha256(served).hexdigest()
    for needle in (DATA_FILES[STATES].filename, expected_sha, actual_sha, "--from"):
        assert needle in failed.message
    # A whole download with wrong bytes is not retried: the server would send them again.
    assert [path for path, _ in control.requests].count(DATA_FILES[STATES].filename) == 1


def test_corrupted_bytes_do_not_touch_an_existing_file(
    server: tuple[str, ServerControl], data_dir: Path, isolated_cache: Path
) -> None:
    base_url, control = server
    control.corrupt.update({DATA_FILES[STATES].filename, DATA_FILES[MAJORS].filename})
    stale = isolated_cache / DATA_FILES[STATES].filename
    good = isolated_cache / DATA_FILES[MAJORS].filename
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"an older copy the user may still want\n")
    good.write_bytes(_source(data_dir, MAJORS).read_bytes())

    results = fetch([STATES, MAJORS], base_url=base_url, progress=False, timeout=TIMEOUT)

    assert [result.status for result in results] == ["failed", "already cached"]
    assert "left as it was" in results[0].message
    assert stale.read_bytes() == b"an older copy the user may still want\n"
    assert good.read_bytes() == _source(data_dir, MAJORS).read_bytes()
    assert [path for path, _ in control.requests] == [DATA_FILES[STATES].filename]


def test_missing_on_the_server_fails_with_the_http_status(
    server: tuple[str, ServerControl], isolated_cache: Path
) -> None:
    base_url, control = server

    missing_url = base_url + "/no-such-folder"
    results = fetch([MAJORS], base_url=missing_url, progress=False, timeout=TIMEOUT)

    assert results[0].status == "failed"
    assert "HTTP 404" in results[0].message and "/no-such-folder/" in results[0].message
    assert len(control.requests) == 1  # a 404 is not retried
    assert _leftovers(isolated_cache) == []


def test_unreachable_mirror_fails_within_the_timeout(isolated_cache: Path) -> None:
    # Bind and close a socket to get a loopback port with nothing listening on it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    dead_url = f"http://127.0.0.1:{port}"
    results = fetch([MAJORS], base_url=dead_url, progress=False, timeout=TIMEOUT, retries=1)

    assert results[0].status == "failed"
    assert "could not download" in results[0].message
    assert not results[0].path.exists()


def test_official_address_that_is_not_a_file_is_refused_without_network(
    no_network: None, isolated_cache: Path
) -> None:
    # Pick a registry entry whose address is a page or an R table, not a CSV link.
    name = next(
        entry.name
        for entry in DATA_FILES.values()
        if not urllib.parse.urlsplit(entry.url).path.endswith((".csv", ".csv.gz"))
    )

    results = fetch([name], progress=False, timeout=TIMEOUT)

    assert results[0].status == "failed"
    assert DATA_FILES[name].url in results[0].message and "--from DIR" in results[0].message


def test_import_from_a_folder_copies_and_verifies(
    no_network: None, data_dir: Path, isolated_cache: Path
) -> None:
    results = fetch([MAJORS, NESTED], source_dir=data_dir, progress=False)

    assert [result.status for result in results] == ["imported", "imported"]
    for result in results:
        assert result.path.read_bytes() == _source(data_dir, result.name).read_bytes()
    assert _leftovers(isolated_cache) == []


def test_import_finds_a_file_by_basename_in_a_flat_folder(
    no_network: None, data_dir: Path, tmp_path: Path
) -> None:
    flat = tmp_path / "downloads"
    flat.mkdir()
    basename = Path(DATA_FILES[NESTED].filename).name
    (flat / basename).write_bytes(_source(data_dir, NESTED).read_bytes())

    results = fetch([NESTED], source_dir=flat, progress=False)

    assert results[0].status == "imported"


def test_import_rejects_a_modified_file_and_reports_a_missing_one(
    no_network: None, data_dir: Path, tmp_path: Path, isolated_cache: Path
) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    # Same content with Windows line endings: a common way a hand download differs.
    original = _source(data_dir, MAJORS).read_bytes()
    (downloads / DATA_FILES[MAJORS].filename).write_bytes(original.replace(b"\n", b"\r\n"))

    modified, missing = fetch([MAJORS, STATES], source_dir=downloads, progress=False)

    assert modified.status == "failed" and DATA_FILES[MAJORS].sha256 in modified.message
    assert "line endings" in modified.message
    assert missing.status == "failed"
    assert str(downloads / DATA_FILES[STATES].filename) in missing.message
    assert not (isolated_cache / DATA_FILES[MAJORS].filename).exists()
    assert _leftovers(isolated_cache) == []


def test_unknown_name_raises_before_anything_is_fetched(
    no_network: None, isolated_cache: Path
) -> None:
    with pytest.raises(InputError) as raised:
        fetch([MAJORS, "no_such_dataset"], progress=False)

    assert "no_such_dataset" in str(raised.value) and MAJORS in str(raised.value)
    assert raised.value.exit_code == 2
    assert not isolated_cache.exists()


def test_status_before_and_after_fetching(
    server: tuple[str, ServerControl], data_dir: Path, isolated_cache: Path
) -> None:
    base_url, _ = server
    before = status()
    assert list(before.columns) == [
        "name", "filename", "dataset", "version", "present", "verified", "size", "path",
    ]
    assert list(before["name"]) == list(DATA_FILES)
    assert not before["present"].any()

    fetch([MAJORS, STATES], base_url=base_url, progress=False, timeout=TIMEOUT)
    tampered = isolated_cache / DATA_FILES[STATES].filename
    tampered.write_bytes(tampered.read_bytes() + b"extra row\n")
    after = status().set_index("name")

    assert after.loc[MAJORS, "present"] and after.loc[MAJORS, "verified"]
    assert after.loc[MAJORS, "size"] == _source(data_dir, MAJORS).stat().st_size
    assert after.loc[STATES, "present"] and not after.loc[STATES, "verified"]
    assert after.loc[NMC7, "verified"] is pd.NA and pd.isna(after.loc[NMC7, "size"])
    assert after["present"].sum() == 2

    unchecked = status(verify=False).set_index("name")
    assert unchecked.loc[MAJORS, "present"] and unchecked["verified"].isna().all()


def test_status_of_the_real_data_folder_verifies_every_pin(data_dir: Path) -> None:
    # The registry's pins were taken from this folder; status() must agree file by file.
    frame = status(cache=data_dir)

    assert frame["present"].all(), list(frame.loc[~frame["present"], "filename"])
    assert frame["verified"].all(), list(frame.loc[~frame["verified"].astype(bool), "filename"])


def test_verify_file(tmp_path: Path) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_bytes(b"ccode,year\n2,1816\n")
    digest = hashlib.sha256(b"ccode,year\n2,1816\n").hexdigest()

    assert verify_file(sample, digest)
    assert verify_file(sample, digest.upper())
    assert not verify_file(sample, hashlib.sha256(b"other").hexdigest())
    assert not verify_file(tmp_path / "absent.csv", digest)


def test_raise_for_failures_lists_every_failed_file(
    no_network: None, data_dir: Path, tmp_path: Path
) -> None:
    results = fetch([MAJORS, STATES, NMC7], source_dir=tmp_path / "empty", progress=False)
    results += fetch([NESTED], source_dir=data_dir, progress=False)

    with pytest.raises(DataFileError) as raised:
        raise_for_failures(results)

    assert [problem.location for problem in raised.value.problems] == [MAJORS, STATES, NMC7]
    raise_for_failures([result for result in results if not result.failed])  # no error


def test_progress_bar_names_the_file(
    server: tuple[str, ServerControl], capsys: pytest.CaptureFixture[str]
) -> None:
    base_url, _ = server

    fetch([STATES], base_url=base_url, progress=True, timeout=TIMEOUT)

    assert STATES in capsys.readouterr().err


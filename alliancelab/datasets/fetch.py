"""Download, import and verify the real data files in the per-user cache.

``alliancelab data fetch`` calls :func:`fetch`; ``alliancelab data status`` calls :func:`status`.

Every file listed in :mod:`alliancelab.datasets.registry` carries a pinned SHA-256. A file
reaches its place in the cache only after its bytes match that pin:

1. bytes are streamed to ``<target>.part`` beside the target;
2. if a ``.part`` is left over from an interrupted run, the download resumes with an HTTP
   ``Range`` request (a server that answers ``200`` instead of ``206``, or ``416``, makes it
   start again from the first byte);
3. the ``.part`` is hashed; only on a match is it flushed to disk and moved into place
   with :func:`os.replace`, which is atomic within one folder. On a mismatch the ``.part``
   is deleted and whatever was at the target before is left as it was.

So a reader of the cache never sees a half-written or unverified file under a registry
name. The cache is laid out like the shared data folder (``<cache>/<filename>``), so it
works as a data directory (see :mod:`alliancelab.datasets.paths`).

``base_url`` points every download at a mirror laid out the same way
(``<base_url>/<filename>``); ``source_dir`` imports files that were downloaded by hand.

Only the standard library does the transfer (:mod:`urllib.request`), so proxies set in
the usual environment variables (``https_proxy``, ``no_proxy``) are honoured.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.client
import os
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import pandas as pd
from tqdm import tqdm

from alliancelab import __version__
from alliancelab.datasets.paths import cache_dir
from alliancelab.datasets.registry import DATA_FILES, DataFile, get_file
from alliancelab.errors import DataFileError, Problem

__all__ = [
    "FetchResult",
    "FetchStatus",
    "fetch",
    "raise_for_failures",
    "results_frame",
    "status",
    "verify_file",
]

FetchStatus = Literal["downloaded", "resumed", "imported", "already cached", "failed"]
"""What :func:`fetch` did with one file."""

PART_SUFFIX = ".part"
"""Suffix of the partial file a download is streamed into."""

CHUNK_SIZE = 1 << 20
"""Bytes read and written per step (1 MiB): bounded memory for any file size."""

USER_AGENT = f"alliancelab/{__version__} (data fetch; Python urllib)"
"""Some hosts refuse the default ``Python-urllib`` agent; name the project instead."""

_FIX_HINT = (
    "Fix: run the command again later; or point it at a mirror with the official files "
    "(`alliancelab data fetch --mirror URL`); or download the file by hand and import it "
    "with `alliancelab data fetch --from DIR`."
)


@dataclasses.dataclass(frozen=True)
class FetchResult:
    """What happened to one file in one :func:`fetch` call.

    Attributes
    ----------
    name
        The registry's short name of the file.
    path
        Where the verified file is (or would be) in the cache.
    status
        ``"downloaded"``, ``"resumed"`` (a leftover ``.part`` was continued),
        ``"imported"`` (copied from ``source_dir``), ``"already cached"`` or ``"failed"``.
    bytes
        Bytes transferred by this call: downloaded or copied; 0 when already cached.
        For a resumed download only the bytes after the resume point count.
    message
        Empty on success; on failure the full error (file, expected and actual hash or
        the HTTP/OS error, and the fix).
    """

    name: str
    path: Path
    status: FetchStatus
    bytes: int
    message: str = ""

    @property
    def failed(self) -> bool:
        """Whether the file is not available and verified after this call."""
        return self.status == "failed"


class _Interrupted(Exception):
    """A transfer ended early; the ``.part`` is kept so the next attempt can resume.

    Parameters
    ----------
    message
        What happened, with the URL and the byte counts.
    written
        Bytes this transfer appended before it broke off.
    """

    def __init__(self, message: str, written: int) -> None:
        super().__init__(message)
        self.written = written


def verify_file(path: str | os.PathLike[str], sha256: str) -> bool:
    """Return whether the file at ``path`` has the SHA-256 digest ``sha256``.

    Parameters
    ----------
    path
        The file to hash; streamed in chunks, so memory use does not grow with its size.
    sha256
        Expected digest as hex (case-insensitive).

    Returns
    -------
    bool
        ``False`` also when the file does not exist or is not a regular file.
    """
    candidate = Path(path)
    if not candidate.is_file():
        return False
    return _sha256_of(candidate) == sha256.lower()


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_SIZE):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(
    names: Sequence[str] | None = None,
    *,
    cache: Path | None = None,
    base_url: str | None = None,
    source_dir: Path | None = None,
    progress: bool = True,
    timeout: float = 60,
    retries: int = 2,
) -> list[FetchResult]:
    """Bring data files into the cache, each verified against its pinned SHA-256.

    Parameters
    ----------
    names
        Short names from :data:`alliancelab.datasets.registry.DATA_FILES`; ``None`` means
        every file. Duplicates are fetched once.
    cache
        Folder to fill; default :func:`alliancelab.datasets.paths.cache_dir` (which
        ``$ALLIANCELAB_CACHE_DIR`` overrides). Created if missing.
    base_url
        A mirror: each file is downloaded from ``base_url + "/" + filename`` instead of
        its official address. The mirror must serve the same bytes; they are verified
        against the same pins.
    source_dir
        Import instead of downloading: copy ``source_dir/<filename>`` (or, failing that,
        ``source_dir/<basename of filename>``) into the cache after verifying it. No
        network is used.
    progress
        Show a tqdm progress bar per transfer (on standard error).
    timeout
        Seconds any one network operation (connect, each read) may wait.
    retries
        How many times an interrupted or failed download is tried again within this
        call (after a short, growing pause), resuming from the bytes already received.
        A file served with the wrong bytes or a 4xx status is not tried again.

    Returns
    -------
    list of FetchResult
        One per requested file, in request order. A failing file does not stop the
        others; see :func:`raise_for_failures` to turn failures into one error.

    Raises
    ------
    InputError
        Before anything is transferred, when a name is not in the registry (the error
        lists the valid names).
    """
    retries = max(0, retries)
    requested = list(DATA_FILES) if names is None else list(dict.fromkeys(names))
    # Resolve every name first so a typo fails before any download starts.
    entries = [get_file(name) for name in requested]
    target_dir = Path(cache) if cache is not None else cache_dir()
    return [
        _fetch_one(
            entry,
            target_dir=target_dir,
            base_url=base_url,
            source_dir=source_dir,
            progress=progress,
            timeout=timeout,
            retries=retries,
        )
        for entry in entries
    ]


def _fetch_one(
    entry: DataFile,
    *,
    target_dir: Path,
    base_url: str | None,
    source_dir: Path | None,
    progress: bool,
    timeout: float,
    retries: int,
) -> FetchResult:
    target = target_dir / entry.filename
    if verify_file(target, entry.sha256):
        return FetchResult(entry.name, target, "already cached", 0)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if source_dir is not None:
            copied = _import(entry, target, Path(source_dir))
            result = FetchResult(entry.name, target, "imported", copied)
        else:
            url = _url_for(entry, base_url)
            result = _download(
                entry, target, url=url, progress=progress, timeout=timeout, retries=retries
            )
    except DataFileError as error:
        result = FetchResult(entry.name, target, "failed", 0, str(error))
    except OSError as error:
        # Disk full, permission denied, a folder where the file should go...
        problem = Problem(str(target), "file", "write", f"{type(error).__name__}: {error}")
        failure = DataFileError(f"Could not write {entry.filename} into the cache.", [problem])
        result = FetchResult(entry.name, target, "failed", 0, str(failure))
    if result.failed and target.is_file():
        # Never delete what the user had; say that it is not the pinned version.
        note = (
            f" The file already at {target} does not match the pin either; it was left as "
            "it was (`alliancelab data status` shows it as not verified)."
        )
        result = dataclasses.replace(result, message=result.message + note)
    return result


def _url_for(entry: DataFile, base_url: str | None) -> str:
    """Return the address to download ``entry`` from, refusing ones that cannot give its bytes."""
    if base_url is not None:
        return base_url.rstrip("/") + "/" + urllib.parse.quote(entry.filename, safe="/")
    # A direct download ends in the same suffix as the file (".csv", ".csv.gz"). A landing
    # page, a repository or the R table a CSV was converted from cannot match the pin, so
    # say so now rather than download something doomed to fail verification.
    last_segment = urllib.parse.urlsplit(entry.url).path.rsplit("/", 1)[-1]
    if not entry.url or not last_segment.endswith(_suffix(entry.filename)):
        where = f"is {entry.url}, which" if entry.url else "is missing, so it"
        raise DataFileError(
            f"{entry.filename} ({entry.dataset} {entry.version}) cannot be downloaded "
            f"automatically: its registry address {where} is not a direct link to that "
            f"file (a web page, or the R table it was converted from). Fix: download the "
            f"file by hand and import it with `alliancelab data fetch --from DIR`, or fetch "
            f"from a mirror laid out like the data folder with `--mirror URL`."
        )
    return entry.url


_DATA_SUFFIXES = {".csv", ".gz", ".tsv", ".txt", ".zip", ".parquet", ".json", ".rda", ".dta"}


def _suffix(filename: str) -> str:
    """Return every suffix of ``filename`` after its stem: ``"a_v7.0.csv.gz"`` -> ``".csv.gz"``."""
    name = Path(filename).name
    suffixes = [s for s in Path(name).suffixes if s in _DATA_SUFFIXES]
    return "".join(suffixes) if suffixes else Path(name).suffix


def _part_path(target: Path) -> Path:
    return target.with_name(target.name + PART_SUFFIX)


def _mismatch_error(
    entry: DataFile, origin: str, actual: str, target: Path, fix: str = _FIX_HINT
) -> DataFileError:
    return DataFileError(
        f"{entry.filename} from {origin} does not match its pinned SHA-256: expected "
        f"{entry.sha256}, got {actual}. The bytes were discarded; {target} was not written "
        f"or changed. {fix}"
    )


def _install(part: Path, target: Path) -> None:
    """Move a verified ``.part`` into place atomically, after forcing it to disk."""
    with part.open("rb") as stream:
        os.fsync(stream.fileno())
    os.replace(part, target)


def _import(entry: DataFile, target: Path, source_dir: Path) -> int:
    candidates = [source_dir / entry.filename, source_dir / Path(entry.filename).name]
    source = next((path for path in candidates if path.is_file()), None)
    if source is None:
        looked = " and ".join(str(path) for path in dict.fromkeys(candidates))
        raise DataFileError(
            f"{entry.filename} not found in {source_dir}: looked for {looked}. Fix: put the "
            f"official file there (see `alliancelab data status` for the names), or leave "
            f"out --from to download it."
        )
    part = _part_path(target)
    with source.open("rb") as reader, part.open("wb") as writer:
        shutil.copyfileobj(reader, writer, CHUNK_SIZE)
    actual = _sha256_of(part)
    if actual != entry.sha256.lower():
        part.unlink()
        fix = (
            f"Fix: replace it with the file alliancelab pins ({entry.dataset} "
            f"{entry.version}; see docs/data.md); another release, or line endings changed "
            "by an editor or a download tool, give a different hash."
        )
        raise _mismatch_error(entry, str(source), actual, target, fix)
    size = part.stat().st_size
    _install(part, target)
    return size


_NETWORK_ERRORS = (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError)
"""Failures worth another attempt: the next one resumes from the bytes already on disk."""

RETRY_DELAY = 1.0
"""Seconds to wait before the first retry; the n-th retry waits n times as long."""


def _download(
    entry: DataFile,
    target: Path,
    *,
    url: str,
    progress: bool,
    timeout: float,
    retries: int,
) -> FetchResult:
    part = _part_path(target)
    transferred = 0
    last_error = ""
    for _attempt in range(retries + 1):
        if _attempt:
            time.sleep(RETRY_DELAY * _attempt)  # give a struggling server a moment
        # A complete .part left by a run stopped just before the rename needs no request.
        if verify_file(part, entry.sha256):
            _install(part, target)
            return FetchResult(entry.name, target, "resumed", transferred)
        offset = part.stat().st_size if part.is_file() else 0
        try:
            written, continued = _transfer(
                url, part, offset, name=entry.name, progress=progress, timeout=timeout
            )
        except _Interrupted as error:
            # The bytes received stay in the .part; the next attempt resumes after them.
            transferred += error.written
            last_error = str(error)
            continue
        except urllib.error.HTTPError as error:
            last_error = f"HTTP {error.code} {error.reason} from {url}"
            if 400 <= error.code < 500 and error.code not in (408, 429):
                break  # the request itself is wrong; asking again will not help
            continue
        except _NETWORK_ERRORS as error:
            reason = getattr(error, "reason", None) or error
            last_error = f"could not download {url}: {type(error).__name__}: {reason}"
            continue
        transferred += written
        actual = _sha256_of(part)
        if actual == entry.sha256.lower():
            _install(part, target)
            return FetchResult(
                entry.name, target, "resumed" if continued else "downloaded", transferred
            )
        part.unlink()
        last_error = str(_mismatch_error(entry, url, actual, target))
        if not continued:
            break  # a whole download with the wrong bytes; asking again gets the same bytes
        # A resumed file may carry a stale prefix (the file changed upstream): start over.
    if part.is_file():
        last_error += (
            f" The {part.stat().st_size} bytes received so far are kept in {part}; the next "
            "run resumes from there."
        )
    if _FIX_HINT not in last_error:
        last_error += " " + _FIX_HINT
    failure = DataFileError(
        f"Could not fetch {entry.filename} ({entry.name}) after {_attempt + 1} attempt(s): "
        f"{last_error}"
    )
    return FetchResult(entry.name, target, "failed", transferred, str(failure))


_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


def _transfer(
    url: str, part: Path, offset: int, *, name: str, progress: bool, timeout: float
) -> tuple[int, bool]:
    """Stream ``url`` into ``part``, continuing at ``offset`` when the server allows it.

    Returns
    -------
    tuple of (int, bool)
        Bytes written by this call, and whether they continued the existing ``.part``.

    Raises
    ------
    _Interrupted
        The connection ended before the announced length arrived.
    urllib.error.HTTPError, urllib.error.URLError
        The server refused or could not be reached.
    """
    headers = {"User-Agent": USER_AGENT}
    if offset > 0:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and offset > 0:
            # The .part is no prefix of the file (e.g. longer than it): start over.
            error.close()
            part.unlink()
            return _transfer(url, part, 0, name=name, progress=progress, timeout=timeout)
        raise
    with response:
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith("text/html") and not url.endswith((".html", ".htm")):
            # An error or login page served with status 200; asking again will not help.
            raise DataFileError(
                f"{url} answered with a web page ({content_type}), not the data file "
                f"{part.name.removesuffix(PART_SUFFIX)}. {_FIX_HINT}"
            )
        continued = False
        if offset > 0 and response.status == 206:
            match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
            continued = match is not None and int(match.group(1)) == offset
            if not continued:
                # A range we did not ask for: drop this answer and ask for the whole file.
                response.close()
                part.unlink()
                return _transfer(url, part, 0, name=name, progress=progress, timeout=timeout)
        # Any other success (200, or a non-HTTP URL) carries the whole file: overwrite the .part.
        start = offset if continued else 0
        length_header = response.headers.get("Content-Length", "")
        expected = int(length_header) if length_header.isdigit() else None
        written = 0
        with (
            part.open("ab" if continued else "wb") as writer,
            tqdm(
                total=None if expected is None else start + expected,
                initial=start,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                desc=name,
                disable=not progress,
                leave=False,
            ) as bar,
        ):
            try:
                while chunk := response.read(CHUNK_SIZE):
                    writer.write(chunk)
                    written += len(chunk)
                    bar.update(len(chunk))
            except (http.client.IncompleteRead, ConnectionError, TimeoutError) as error:
                raise _Interrupted(
                    f"the transfer from {url} broke off after {start + written} bytes "
                    f"({type(error).__name__})",
                    written,
                ) from error
        # http.client returns b"" when the peer closes early instead of raising, so
        # compare against the announced length here.
        if expected is not None and written < expected:
            raise _Interrupted(
                f"the connection to {url} closed after {start + written} of "
                f"{start + expected} bytes",
                written,
            )
    return written, continued


def raise_for_failures(results: Sequence[FetchResult]) -> None:
    """Raise one :class:`~alliancelab.errors.DataFileError` listing every failed file.

    Parameters
    ----------
    results
        What :func:`fetch` returned.

    Raises
    ------
    DataFileError
        When at least one result failed; one :class:`~alliancelab.errors.Problem` per file.
    """
    problems = [
        Problem(str(result.path), result.name, "fetch", result.message)
        for result in results
        if result.failed
    ]
    if problems:
        raise DataFileError(
            f"{len(problems)} of {len(results)} data file(s) could not be fetched and verified.",
            problems,
        )


def results_frame(results: Sequence[FetchResult]) -> pd.DataFrame:
    """Return fetch results as a table with columns name, status, bytes, path, message."""
    return pd.DataFrame(
        {
            "name": [result.name for result in results],
            "status": [result.status for result in results],
            "bytes": pd.array([result.bytes for result in results], dtype="int64"),
            "path": [str(result.path) for result in results],
            "message": [result.message for result in results],
        }
    )


def status(cache: Path | None = None, verify: bool = True) -> pd.DataFrame:
    """List every registry file with whether it is in the cache and verified.

    Parameters
    ----------
    cache
        Folder to inspect; default :func:`alliancelab.datasets.paths.cache_dir`. Any data
        directory laid out like the cache works.
    verify
        Hash every present file against its pin. With ``False`` the ``verified`` column
        is missing (``<NA>``) and the call only stats the files.

    Returns
    -------
    pandas.DataFrame
        One row per registry file, in registry order, with columns name, filename,
        dataset, version, present (bool), verified (nullable boolean: ``<NA>`` when absent
        or not checked), size (bytes, nullable integer) and path.
    """
    folder = Path(cache) if cache is not None else cache_dir()
    rows = []
    for entry in DATA_FILES.values():
        path = folder / entry.filename
        present = path.is_file()
        verified = _sha256_of(path) == entry.sha256.lower() if present and verify else pd.NA
        rows.append(
            {
                "name": entry.name,
                "filename": entry.filename,
                "dataset": entry.dataset,
                "version": entry.version,
                "present": present,
                "verified": verified,
                "size": path.stat().st_size if present else pd.NA,
                "path": str(path),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["name", "filename", "dataset", "version", "present", "verified", "size", "path"],
    )
    return frame.astype({"present": "bool", "verified": "boolean", "size": "Int64"})

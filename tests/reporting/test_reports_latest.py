"""The committed report of the default run, ``reports/latest/``, must be what the code produces.

The test regenerates the default run (every built-in case and theory, as ``alliancelab compare``
runs them) into a temporary folder and compares every file with the committed one, ignoring only
the time-stamp lines. If it fails after an intended change, regenerate the committed report with
``make demo`` (``alliancelab compare --out reports/latest``) and commit it.

The library versions recorded in ``meta.json`` are compared by a separate test: ``make``
installs the exact versions pinned in ``constraints.txt``, so a difference means the committed
report was made in another environment (regenerate it, or update the pins). Python is compared
by major and minor version only, since the patch release is the machine's, not the project's.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from alliancelab.reporting.report import TIMESTAMP_KEY

REPO_ROOT = Path(__file__).resolve().parents[2]
COMMITTED = REPO_ROOT / "reports" / "latest"
# the command line the CLI records for the default run (see `make demo`)
DEFAULT_COMMAND = "alliancelab compare --out reports/latest"
REGENERATE = "regenerate it with `make demo` (alliancelab compare --out reports/latest) and commit it"


def _require_committed_report() -> None:
    if not (COMMITTED / "meta.json").is_file():
        pytest.skip(f"{COMMITTED} holds no report yet; {REGENERATE}")


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default run written afresh."""
    _require_committed_report()
    from alliancelab.datasets.case import load_cases
    from alliancelab.evaluation.compare import compare
    from alliancelab.reporting.report import write_report
    from alliancelab.theories import builtin_theories

    out = tmp_path_factory.mktemp("latest") / "latest"
    result = compare(list(builtin_theories().values()), load_cases(), seed=0)
    write_report(result, out, command=DEFAULT_COMMAND)
    return out


# the tables first: when numbers change, their diff says more than the figures' SVG
_READING_ORDER = ("scores.csv", "report.md", "predictions.csv", "meta.json", "report.html")


def _files(folder: Path) -> list[str]:
    names = [p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()]
    return sorted(names, key=lambda n: (_READING_ORDER.index(n) if n in _READING_ORDER else len(_READING_ORDER), n))


def _comparable(path: Path) -> list[str]:
    """A file's lines without the time stamp (and, for meta.json, without the environment)."""
    text = path.read_text(encoding="utf-8")
    if path.name == "meta.json":
        meta = json.loads(text)
        meta.pop("environment", None)
        text = json.dumps(meta, indent=2, ensure_ascii=False)
    return [line for line in text.splitlines() if TIMESTAMP_KEY not in line]


def _environment_note(regenerated: Path) -> str:
    committed = json.loads((COMMITTED / "meta.json").read_text(encoding="utf-8")).get("environment", {})
    current = json.loads((regenerated / "meta.json").read_text(encoding="utf-8")).get("environment", {})
    differing = [f"{k} {committed.get(k)} (committed) vs {current.get(k)} (here)" for k in current if committed.get(k) != current.get(k)]
    return f" Note: the environments differ: {'; '.join(differing)}." if differing else ""


@pytest.mark.slow
def test_the_same_files_are_written(regenerated: Path) -> None:
    assert sorted(_files(COMMITTED)) == sorted(_files(regenerated)), (
        f"reports/latest has other files than the default run writes; {REGENERATE}"
    )


@pytest.mark.slow
def test_every_file_matches_except_timestamps(regenerated: Path) -> None:
    mismatched: list[str] = []
    differing: list[str] = []
    for name in _files(regenerated):
        committed_file = COMMITTED / name
        if not committed_file.is_file():
            continue  # reported by test_the_same_files_are_written
        expected, actual = _comparable(committed_file), _comparable(regenerated / name)
        if expected != actual:
            differing.append(name)
            diff = difflib.unified_diff(expected, actual, f"committed/{name}", f"regenerated/{name}", lineterm="", n=1)
            mismatched.append("\n".join(list(diff)[:20]))
    assert not mismatched, (
        f"reports/latest is out of date ({', '.join(differing)} differ); {REGENERATE}."
        f"{_environment_note(regenerated)}\n\n" + "\n\n".join(mismatched[:3])
    )


def _pinned_view(environment: dict[str, str]) -> dict[str, str]:
    """Library versions as recorded, Python cut to major.minor."""
    view = dict(environment)
    if "python" in view:
        view["python"] = ".".join(view["python"].split(".")[:2])
    return view


@pytest.mark.slow
def test_recorded_environment_matches(regenerated: Path) -> None:
    committed = json.loads((COMMITTED / "meta.json").read_text(encoding="utf-8"))["environment"]
    current = json.loads((regenerated / "meta.json").read_text(encoding="utf-8"))["environment"]
    assert _pinned_view(committed) == _pinned_view(current), (
        f"reports/latest was made with other library versions.{_environment_note(regenerated)} "
        f"Install with the pins (make test uses constraints.txt) or {REGENERATE}"
    )

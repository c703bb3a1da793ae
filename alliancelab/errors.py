"""Errors for bad input, shared by every subpackage.

Every error a user can cause by handing alliancelab a bad file (a malformed case file, a
broken data file, a failing plugin) derives from :class:`InputError`. The command line
catches it, prints its message without a traceback and exits with code 2
(:data:`InputError.exit_code`). Messages name the file, the place (row, column or field),
what was expected, and the fix.

Validation that can find several problems at once collects them as
:class:`Problem` records (file, location, check, message) and raises one error carrying all
of them, so a user fixes a file in one pass (cf. pandera's lazy validation).
"""

from __future__ import annotations

from dataclasses import dataclass
import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One validation failure.

    Attributes
    ----------
    file
        The file that holds the problem (or ``"<memory>"`` for in-memory data).
    location
        Where in the file: ``"row 12, column ccode"`` or ``"states[3].observed"``.
    check
        Short name of the check that failed (``"type"``, ``"unique key"``, ``"range"``...).
    message
        What was found and what was expected, with the fix where there is one.
    """

    file: str
    location: str
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.location}: {self.message}"


class InputError(Exception):
    """Bad input from the user: exit code 2, message without traceback.

    Parameters
    ----------
    message
        The headline.
    problems
        Every failure found; rendered below the headline.
    """

    exit_code: int = 2

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        self.headline = message
        self.problems: list[Problem] = list(problems or [])
        super().__init__(self._render())

    def _render(self) -> str:
        if not self.problems:
            return self.headline
        shown = self.problems[:20]
        lines = [self.headline] + [f"  - {p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the problems as a table with columns file, location, check, message."""
        return pd.DataFrame(
            [(p.file, p.location, p.check, p.message) for p in self.problems],
            columns=["file", "location", "check", "message"],
        )


class DataFileError(InputError):
    """A real data file is missing, unreadable or fails validation."""


class CaseFileError(InputError):
    """A case file is malformed or fails validation."""


class TheoryError(InputError):
    """A theory (built-in or plugin) is misdeclared or failed while predicting."""

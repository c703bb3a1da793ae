"""The bibliography: every reference the package prints has an entry, and the BibTeX is valid."""

from __future__ import annotations

import re

import pytest

from alliancelab.datasets import registry
from alliancelab.datasets.case import load_cases
from alliancelab.reporting import bibliography
from alliancelab.reporting.bibliography import (
    ENTRIES,
    bibtex,
    formatted,
    keys_for,
    match_reference,
    works_in,
)
from alliancelab.theories import builtin_theories

THEORY_REFERENCES = sorted({ref for theory in builtin_theories().values() for ref in theory.references})
CASE_CITATIONS = sorted({s.citation for case in load_cases() for s in case.sources if s.citation})
REGISTRY_CITATIONS = sorted({data_file.citation for data_file in registry.DATA_FILES.values()})

# the method works the report cites, in the two styles the package writes references in
METHOD_REFERENCES = {
    "Good, I. J. (1952). Rational decisions. Journal of the Royal Statistical Society, Series B 14(1), 107-114.":
        "good1952rational",
    "Gneiting, T., & Raftery, A. E. (2007). Strictly proper scoring rules, prediction, and estimation.":
        "gneiting2007strictly",
    "Vehtari, A., Gelman, A., & Gabry, J. (2017). Practical Bayesian model evaluation using leave-one-out "
    "cross-validation and WAIC. Statistics and Computing 27(5), 1413-1432.": "vehtari2017practical",
    "Yao, Y., Vehtari, A., Simpson, D., & Gelman, A. (2018). Using stacking to average Bayesian predictive "
    "distributions. Bayesian Analysis 13(3), 917-1007.": "yao2018stacking",
    "Vuong, Quang H. 1989. Likelihood Ratio Tests for Model Selection and Non-Nested Hypotheses. Econometrica "
    "57(2): 307-333.": "vuong1989likelihood",
    "Clarke, K. A. (2003). Nonparametric model discrimination in international relations.": "clarke2003nonparametric",
    "Clarke, Kevin A. 2007. A Simple Distribution-Free Test for Nonnested Model Selection.": "clarke2007simple",
    "Cameron, A. C., Gelbach, J. B., & Miller, D. L. (2008). Bootstrap-based improvements for inference with "
    "clustered errors.": "cameron2008bootstrap",
    "Cameron, A. Colin, and Douglas L. Miller. 2015. A Practitioner's Guide to Cluster-Robust Inference. "
    "Journal of Human Resources 50(2): 317-372.": "cameron2015practitioner",
    "McFadden, D. (1974). Conditional logit analysis of qualitative choice behavior.": "mcfadden1974conditional",
    "Hagle, T. M., & Mitchell, G. E. (1992). Goodness-of-fit measures for probit and logit.": "hagle1992goodness",
    "Murphy, Allan H. 1973. A New Vector Partition of the Probability Score. Journal of Applied Meteorology "
    "12(4): 595-600.": "murphy1973vector",
    "Naeini, M. P., Cooper, G. F., & Hauskrecht, M. (2015). Obtaining well calibrated probabilities using "
    "Bayesian binning.": "naeini2015obtaining",
    "Hanley, J. A., & McNeil, B. J. (1982). The meaning and use of the area under a receiver operating "
    "characteristic (ROC) curve. Radiology 143(1), 29-36.": "hanley1982meaning",
    "Efron, Bradley, and Robert J. Tibshirani. 1993. An Introduction to the Bootstrap. New York: Chapman & Hall.":
        "efron1993introduction",
    "Brier, G. W. (1950). Verification of forecasts expressed in terms of probability.": "brier1950verification",
}

_PUBLICATION_YEAR = re.compile(r"(?:(?<=\s)|(?<=\())(1[5-9]\d\d|20\d\d)[a-z]?(?=[.)])")


def test_the_built_ins_have_references_to_check() -> None:
    assert len(THEORY_REFERENCES) >= 10
    assert len(CASE_CITATIONS) >= 8
    assert len(REGISTRY_CITATIONS) >= 20


@pytest.mark.parametrize("text", THEORY_REFERENCES)
def test_every_theory_reference_matches_an_entry(text: str) -> None:
    key = match_reference(text)
    assert key is not None, f"no bibliography entry for the theory reference {text!r}"
    # the match is the work the string starts with: same first author and year
    entry = ENTRIES[key]
    assert text.startswith(bibliography.family_name(entry.authors[0]))
    assert entry.year in text


@pytest.mark.parametrize("text", CASE_CITATIONS + REGISTRY_CITATIONS)
def test_every_work_of_every_data_citation_has_an_entry(text: str) -> None:
    assert match_reference(text) is not None, f"no bibliography entry for {text!r}"
    # a citation often names several works, each with its publication year ("1972." or "(1972)")
    years = _PUBLICATION_YEAR.findall(text)
    found = works_in(text)
    assert len(found) >= len(years), f"{text!r} names {len(years)} works, matched {found}"


@pytest.mark.parametrize(("text", "key"), sorted(METHOD_REFERENCES.items()))
def test_method_references_match(text: str, key: str) -> None:
    assert match_reference(text) == key


def test_matching_needs_surname_year_and_title_word() -> None:
    walt = "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: Cornell University Press."
    assert match_reference(walt) == "walt1987origins"
    assert match_reference(walt.replace("1987", "1988")) is None  # wrong year
    assert match_reference(walt.replace("Origins", "Sources")) is None  # no title word
    assert match_reference(walt.replace("Walt,", "Waltz,")) is None  # another surname
    # typographic quotes and dashes do not matter
    assert match_reference("Schvitz, Guy, et al. 2022. \u201cMapping the International System, 1886\u20132019\u201d") == (
        "schvitz2022mapping"
    )
    # a co-author's name is not a first author: Vehtari (2017) is not in Yao et al. (2018)
    yao = "Yao, Y., Vehtari, A., Simpson, D., & Gelman, A. (2018). Using stacking to average predictive distributions."
    assert works_in(yao) == ["yao2018stacking"]


def test_two_works_of_one_author_and_year_are_told_apart() -> None:
    both = (
        'Miller, Steven V. 2022. "A Random Item Response Model of External Territorial Threat, 1816-2010." '
        'Journal of Global Security Studies 7(4). Miller, Steven V. 2022. "peacesciencer: An R Package for '
        'Quantitative Peace Science Research." Conflict Management and Peace Science 39(6).'
    )
    assert works_in(both) == ["miller2022random", "miller2022peacesciencer"]
    assert match_reference(both) == "miller2022random"


def test_keys_for_returns_every_work_once_and_the_unmatched_texts() -> None:
    texts = [*CASE_CITATIONS, "Nobody, A. 2024. An Unknown Work.", *THEORY_REFERENCES, "Nobody, A. 2024. An Unknown Work."]
    keys, unmatched = keys_for(texts)
    assert unmatched == ["Nobody, A. 2024. An Unknown Work."]
    assert len(keys) == len(set(keys))
    assert {"walt1987origins", "leeds2002atop", "miller2022peacesciencer", "singer1987reconstructing"} <= set(keys)


# -- BibTeX --------------------------------------------------------------------------------------


def parse_bibtex(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """A small BibTeX reader: entries ``@type{key, name = {value}, ...}`` with balanced braces.

    Raises AssertionError on anything it cannot read, so the test fails on malformed output.
    """
    entries: dict[str, tuple[str, dict[str, str]]] = {}
    position = 0
    while True:
        start = text.find("@", position)
        if start < 0:
            assert not text[position:].strip(), f"text outside entries: {text[position:][:80]!r}"
            return entries
        assert not text[position:start].strip(), f"text between entries: {text[position:start][:80]!r}"
        head = re.compile(r"@([a-z]+)\{([A-Za-z0-9_:-]+),\s*").match(text, start)
        assert head, f"bad entry head at {text[start:start + 40]!r}"
        kind, key = head.group(1), head.group(2)
        assert key not in entries, f"duplicate key {key}"
        fields: dict[str, str] = {}
        cursor = head.end()
        while True:
            name = re.compile(r"([a-z]+)\s*=\s*\{").match(text, cursor)
            assert name, f"{key}: bad field at {text[cursor:cursor + 40]!r}"
            depth, index = 1, name.end()
            while depth:
                assert index < len(text), f"{key}: unbalanced braces in {name.group(1)}"
                char = text[index]
                if char == "\\":
                    index += 2  # an escaped character, such as \{ or \&
                    continue
                depth += {"{": 1, "}": -1}.get(char, 0)
                index += 1
            fields[name.group(1)] = text[name.end() : index - 1]
            tail = re.compile(r"\s*(,)?\s*(\})?").match(text, index)
            assert tail is not None
            cursor = tail.end()
            if tail.group(2):
                break
            assert tail.group(1), f"{key}: missing comma after {name.group(1)}"
        entries[key] = (kind, fields)
        position = cursor


def test_the_reader_rejects_malformed_bibtex() -> None:
    good = "@book{a1, author = {A, B}, title = {{T}}, year = {2000}}"
    assert parse_bibtex(good) == {"a1": ("book", {"author": "A, B", "title": "{T}", "year": "2000"})}
    for bad in (good.replace("{{T}}", "{{T}"), good.replace("a1,", "a1"), good + "\n" + good, good + " stray"):
        with pytest.raises(AssertionError):
            parse_bibtex(bad)


def test_bibtex_of_every_entry_parses() -> None:
    text = bibtex(ENTRIES)
    parsed = parse_bibtex(text)
    assert set(parsed) == set(ENTRIES)
    for key, (kind, fields) in parsed.items():
        assert kind in {"article", "book", "incollection", "inproceedings", "manual", "misc", "unpublished"}, key
        assert {"author", "title", "year"} <= set(fields), key
        assert re.fullmatch(r"\d{4}|n\.d\.", fields["year"]), key
        if kind == "article":
            assert {"journal", "volume", "pages"} <= set(fields), key
        # nothing unescaped that LaTeX would choke on
        assert not re.search(r"(?<!\\)[&%#_]", fields["title"] + fields.get("journal", "") + fields.get("publisher", ""))


def test_bibtex_is_sorted_without_duplicates_and_protects_capitals() -> None:
    text = bibtex(["walt1987origins", "buenodemesquita1981war", "walt1987origins", "efron1993introduction"])
    keys = re.findall(r"^@\w+\{([^,]+),", text, flags=re.MULTILINE)
    assert keys == ["buenodemesquita1981war", "efron1993introduction", "walt1987origins"]
    assert "title = {{The} {Origins} of {Alliances}}" in text
    assert "author = {{Bueno de Mesquita}, Bruce}" in text  # one family name of three words
    assert "publisher = {Chapman \\& Hall}" in text
    assert "pages = {" not in text.split("@book{walt1987origins")[1]
    assert "pages = {59--67}" in bibtex(["stinnett2002contiguity"])
    assert "R{\\\"u}egger, Seraina" in bibtex(["schvitz2022mapping"])


def test_unknown_key_is_refused() -> None:
    with pytest.raises(KeyError, match="nobody2024"):
        bibtex(["nobody2024"])
    with pytest.raises(KeyError, match="nobody2024"):
        formatted(["walt1987origins", "nobody2024"])


def test_no_duplicate_keys_or_works() -> None:
    assert len(ENTRIES) == len(bibliography._ENTRY_LIST)
    works = [(e.authors[0], e.year, e.title.casefold()) for e in bibliography._ENTRY_LIST]
    assert len(works) == len(set(works))


# -- plain text ----------------------------------------------------------------------------------


def test_formatted_is_sorted_by_author_then_year() -> None:
    lines = formatted(["walt1987origins", "waltz1979theory", "walt1985alliance", "brier1950verification"])
    assert lines == [
        (
            'Brier, Glenn W. 1950. "Verification of Forecasts Expressed in Terms of Probability." '
            "Monthly Weather Review 78(1): 1-3."
        ),
        'Walt, Stephen M. 1985. "Alliance Formation and the Balance of World Power." International Security 9(4): 3-43.',
        "Walt, Stephen M. 1987. The Origins of Alliances. Ithaca, NY: Cornell University Press.",
        "Waltz, Kenneth N. 1979. Theory of International Politics. Reading, MA: Addison-Wesley.",
    ]


def test_formatted_styles_of_each_kind() -> None:
    (chapter,) = formatted(["singer1972capability"])
    assert chapter == (
        'Singer, J. David, Stuart Bremer, and John Stuckey. 1972. "Capability Distribution, Uncertainty, and Major '
        'Power War, 1820-1965." In Peace, War, and Numbers, edited by Bruce Russett, 19-48. Beverly Hills, CA: Sage.'
    )
    (many,) = formatted(["coppedge2025vdem"])
    assert many.startswith("Coppedge, Michael, et al. 2025.")
    (suffix,) = formatted(["hagle1992goodness"])
    assert suffix.startswith("Hagle, Timothy M., and Glenn E. Mitchell II. 1992.")
    for line in formatted(ENTRIES):
        assert ".." not in line.replace("...", ""), line

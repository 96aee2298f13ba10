"""The table renderer (views/tables.py), worked out by hand, and every view's tables on the shipped data."""
from __future__ import annotations

import html
import inspect
import re

import numpy as np
import pandas as pd
import pytest

import clusterix_analytics as cx
from clusterix_analytics.views import (
    cluster_portfolios,
    partner_profile,
    partner_regions,
    policy_change_indicators,
    policy_learning,
    project_overview,
)
from clusterix_analytics.views.tables import (
    MISSING,
    ReaderTable,
    count,
    date,
    eur,
    link,
    number,
    percent,
    reader_table,
    share,
    text,
    words,
    yes_no,
)


def one_cell(value, column):
    """The (plain text, HTML cell contents) of a one-cell table."""
    table = reader_table(pd.DataFrame({"x": [value]}), {"x": column}, provenance_of=())
    return table.cells.iloc[0, 0], table.html_cells.iloc[0, 0]


# ---------------------------------------------------------------- values
def test_counts_and_amounts_have_thousands_separators():
    assert one_cell(13_000_000.0, count("n")) == ("13,000,000", "13,000,000")
    assert one_cell(13_000_000, eur("Funds"))[0] == "13,000,000"
    assert reader_table(pd.DataFrame({"f": [1.0]}), {"f": eur("Funds")}, provenance_of=()).cells.columns.tolist() == [
        "Funds (EUR)"]
    assert one_cell(898_097.4, eur("f"))[0] == "898,097"        # whole euros
    assert one_cell(2015, count("n"))[0] == "2,015"
    # numbers: up to the declared decimals, trailing zeros dropped; 365.625 was shown as is before
    assert [one_cell(v, number("v"))[0] for v in (117.0, 6.1, 3.14159, 0.0, 1234.5)] == [
        "117", "6.1", "3.14", "0", "1,234.5"]
    assert [one_cell(v, number("v", fixed=True))[0] for v in (1.1, 1.0, 0.333)] == ["1.10", "1.00", "0.33"]


def test_percentages_and_shares():
    assert one_cell(365.625, percent("p"))[0] == "366%"          # 117 of 32 events
    assert one_cell(0.0, share("s"))[0] == "0%"                   # was 0.000000
    assert one_cell(0.85, share("s"))[0] == "85%"
    # 860 of 864 rows are demo data: 99.54 %, which must not read as "100%"
    assert one_cell(860 / 864, share("s"))[0] == "99.5%"
    assert one_cell(1.0, share("s"))[0] == "100%"
    assert one_cell(0.125, share("s", digits=1))[0] == "12.5%"


@pytest.mark.parametrize("missing", [np.nan, pd.NaT, pd.NA, None, "", "  "])
@pytest.mark.parametrize("column", [count("c"), eur("e"), number("n"), percent("p"), share("s"), date("d"),
                                    yes_no("b"), link("l"), text("t"), words("w")], ids=lambda c: c.kind)
def test_unknown_is_a_dash_in_every_kind_of_column(missing, column):
    assert one_cell(missing, column) == (MISSING, MISSING) == ("–", "–")


def test_a_frame_full_of_gaps_shows_no_nan_nat_or_na():
    frame = pd.DataFrame({
        "float": [np.nan, 1.0], "date": pd.to_datetime([None, "2021-03-31"]),
        "ints": pd.array([pd.NA, 3], dtype="Int64"), "text": pd.array([pd.NA, "x"], dtype="string"),
        "flag": pd.array([pd.NA, True], dtype="boolean"),
    })
    table = reader_table(frame, {"float": "F", "date": "D", "ints": "I", "text": "T", "flag": "B"}, provenance_of=frame)
    assert table.cells.iloc[0].tolist() == ["–"] * 5
    assert table.cells.iloc[1].tolist() == ["1", "2021-03-31", "3", "x", "yes"]  # kinds follow the dtypes
    for shown in (table._repr_html_(), repr(table)):
        assert not re.search(r"NaN|NaT|<NA>|\bNone\b", shown)


def test_booleans_are_yes_and_no():
    assert one_cell(True, yes_no("b"))[0] == "yes"
    assert one_cell(np.False_, yes_no("b"))[0] == "no"
    flags = pd.DataFrame({"synthetic": [True, False]})
    assert reader_table(flags, {"synthetic": "Demo data"}, provenance_of=flags).cells["Demo data"].tolist() == [
        "yes", "no"]


def test_dates_as_dates_and_as_precisely_as_known():
    assert one_cell(pd.Timestamp("2016-04-01"), date("d"))[0] == "2016-04-01"   # not 2016-04-01 00:00:00
    changes = pd.DataFrame({"date": pd.to_datetime(["2017-11-01", "2018-01-01", "2020-09-04"]),
                            "date_precision": ["month", "year", "day"]})
    table = reader_table(changes, {"date": date("Date", precision="date_precision")}, provenance_of=changes)
    assert table.cells["Date"].tolist() == ["2017-11", "2018", "2020-09-04"]


def test_codes_as_words_and_named_values():
    assert one_cell("lead_partner", words("Role"))[0] == "Lead partner"
    assert one_cell("P1", text("Phase", values={"P1": "Phase 1"}))[0] == "Phase 1"


# ---------------------------------------------------------------- links and escaping
def test_source_urls_are_links_showing_the_domain():
    shown, cell = one_cell("https://www.interregeurope.eu/x", link("Source"))
    assert shown == "interregeurope.eu"
    assert cell == ('<a href="https://www.interregeurope.eu/x" target="_blank" rel="noopener noreferrer">'
                    "interregeurope.eu</a>")
    assert one_cell("http://uefiscdi.gov.ro/a?b=1&c=2", link("s"))[1].startswith(
        '<a href="http://uefiscdi.gov.ro/a?b=1&amp;c=2"')


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://example.org/x", "demo data – no source",
                                   "www.interregeurope.eu", "https://"])
def test_only_http_and_https_urls_become_links(value):
    shown, cell = one_cell(value, link("Source"))
    assert "<a" not in cell and shown == value and cell == html.escape(value)


def test_every_text_is_escaped():
    partners = pd.DataFrame({"short_name": ["<script>alert(1)</script>", "R&D"],
                             "source": ['https://evil.example/"><script>x</script>', "<b>no url</b>"]})
    table = reader_table(partners, {"short_name": "Partner <i>", "source": link("Source")}, provenance_of=partners,
                         caption="<em>Partners</em>")
    page = table._repr_html_()
    assert "<script>" not in page and "<em>" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "R&amp;D" in page
    assert "Partner &lt;i&gt;" in page and "&lt;em&gt;Partners&lt;/em&gt;" in page
    # the quote cannot end the href: the attribute holds the whole URL, escaped
    assert 'href="https://evil.example/&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in page
    assert table.cells["Partner <i>"].tolist() == ["<script>alert(1)</script>", "R&D"]  # plain text stays plain


# ---------------------------------------------------------------- provenance
def test_the_line_under_each_table_says_where_its_rows_come_from():
    sourced = pd.DataFrame({"x": [1, 2], "synthetic": [False, False]})
    demo = pd.DataFrame({"x": [1, 2], "synthetic": [True, True]})
    mixed = pd.DataFrame({"x": [1, 2, 3], "synthetic": [True, False, False]})
    lines = {name: reader_table(f, {"x": "X"}, provenance_of=f)
             for name, f in {"sourced": sourced, "demo": demo, "mixed": mixed}.items()}
    assert {name: (t.provenance, t.provenance_text) for name, t in lines.items()} == {
        "sourced": ("sourced", "Sourced: all 2 rows behind this table are sourced facts."),
        "demo": ("demo", "Demo data: all 2 rows behind this table are synthetic demo values, not real figures."),
        "mixed": ("mixed", "Partly demo data: 1 of 3 rows behind this table is demo data."),
    }
    page = lines["mixed"]._repr_html_()
    assert 'data-provenance="mixed"' in page and 'class="cx-provenance cx-provenance-mixed"' in page
    assert repr(lines["mixed"]).endswith("Partly demo data: 1 of 3 rows behind this table is demo data.")


def test_provenance_counts_the_rows_behind_the_table_not_the_rows_shown():
    # a one-row summary of 3 sourced and 1 demo row, and a table without a synthetic column (all sourced)
    summary = pd.DataFrame({"rows": [4]})
    behind = (pd.DataFrame({"synthetic": [False, False, False]}), pd.DataFrame({"synthetic": [True]}),
              pd.DataFrame({"partner_id": ["a", "b"]}))
    table = reader_table(summary, {"rows": "Rows"}, provenance_of=behind, note="Counted on 1 May.")
    assert table.provenance_text == ("Partly demo data: 1 of 6 rows behind this table is demo data. "
                                     "Counted on 1 May.")
    assert reader_table(summary, {"rows": "Rows"}, provenance_of=behind[2]).provenance == "sourced"
    with pytest.raises(TypeError, match="provenance_of takes the DataFrame"):
        reader_table(summary, {"rows": "Rows"}, provenance_of=["not a frame"])


# ---------------------------------------------------------------- shape of the table
def test_no_index_unless_a_column_names_it():
    frame = pd.DataFrame({"value": [10, 20]}, index=pd.Index(["P1", "P2"], name="phase_id"))
    plain = reader_table(frame, {"value": "Value"}, provenance_of=frame)
    assert plain.cells.columns.tolist() == ["Value"] and "P1" not in plain._repr_html_()
    assert ">0<" not in reader_table(frame.reset_index(), {"value": "Value"}, provenance_of=frame)._repr_html_()
    named = reader_table(frame, {"phase_id": "Phase", "value": "Value"}, provenance_of=frame)
    assert named.cells.values.tolist() == [["P1", "10"], ["P2", "20"]]


def test_columns_in_the_declared_order_and_unknown_ones_refused():
    frame = pd.DataFrame({"a": [1], "b": [2], "c": [3]})
    assert reader_table(frame, {"c": "C", "a": "A"}, provenance_of=frame).cells.columns.tolist() == ["C", "A"]
    with pytest.raises(KeyError, match="no column 'd' to show; the frame has: a, b, c"):
        reader_table(frame, {"d": "D"}, provenance_of=frame)
    with pytest.raises(ValueError, match="two columns share a label"):
        reader_table(frame, {"a": "Same", "b": "Same"}, provenance_of=frame)
    with pytest.raises(ValueError, match="unknown column kind 'money'"):
        text("x").__class__("Funds", "money")


def test_html_classes_scroll_wrapper_wrapping_and_an_empty_table():
    frame = pd.DataFrame({"name": ["A long description"], "n": [5]})
    page = reader_table(frame, {"name": text("What", wrap=True), "n": count("N")}, provenance_of=frame,
                        caption="Changes")._repr_html_()
    assert page.startswith('<div class="cx-table" data-provenance="sourced"><p class="cx-table-caption">'
                           '<strong>Changes</strong></p><div class="cx-table-scroll" style="overflow-x:auto;')
    assert '<table class="cx-table-grid">' in page and 'class="dataframe"' not in page
    assert '<th style="text-align:left;min-width:14em;max-width:32em">What</th><th>N</th>' in page
    assert '<td style="text-align:left;min-width:14em;max-width:32em">A long description</td><td>5</td>' in page
    empty = reader_table(frame.iloc[:0], {"name": "What"}, provenance_of=frame.iloc[:0])
    assert "No rows." in empty._repr_html_() and repr(empty) == "What\nNo rows.\nSourced."


def test_console_shows_plain_text_with_long_text_cut():
    frame = pd.DataFrame({"name": ["x" * 80], "funds": [1_500.0]})
    shown = repr(reader_table(frame, {"name": text("Name", wrap=True), "funds": eur("Funds")}, provenance_of=frame))
    assert shown.splitlines() == ["Name" + " " * 58 + "Funds (EUR)", "x" * 59 + "…  1,500",
                                  "Sourced: the 1 row behind this table is a sourced fact."]


# ---------------------------------------------------------------- every view's tables
@pytest.fixture(scope="module")
def shipped():
    return cx.load()


def view_tables(shipped) -> dict[str, ReaderTable]:
    """Every ``*_table`` function of every view, on the shipped project (one partner for the per-partner pages)."""
    pages = {project_overview: project_overview.build(shipped), partner_regions: partner_regions.build(shipped),
             policy_change_indicators: policy_change_indicators.build(shipped),
             cluster_portfolios: cluster_portfolios.build(shipped),
             partner_profile: partner_profile.build(shipped, partner="region_aura"),
             policy_learning: policy_learning.build(shipped, partner="region_aura")}
    found = {}
    for module, page in pages.items():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_table") and function.__module__ == module.__name__:
                found[f"{module.__name__.rsplit('.', 1)[1]}.{name}"] = function(page)
    return found


def test_every_view_table_names_things_and_states_its_provenance(shipped):
    tables = view_tables(shipped)
    assert len(tables) == 31  # 25, the learning chain on the profile, and the 5 tables of the learning page
    partners = shipped.partners.set_index("partner_id")["short_name"]
    # ids that are not also the name (ecoplus is both), phase ids, indicator ids, country codes
    ids = ({p for p, name in partners.items() if p != name} | set(shipped.project.phase_ids)
           | set(shipped.indicators["indicator_id"]) | set(shipped.partners["country_code"]))
    for name, table in tables.items():
        assert isinstance(table, ReaderTable), name
        cells = set(table.cells.to_numpy().ravel()) | set(table.cells.columns)
        assert not cells & ids, f"{name} shows ids: {sorted(cells & ids)}"
        assert not any(re.fullmatch(r"[a-z]+(_[a-z]+)+", c) for c in table.cells.columns), name  # no snake_case
        visible = html.unescape(re.sub("<[^>]+>", " ", table._repr_html_()))
        assert not re.search(r"NaN|NaT|<NA>|\bNone\b|\bTrue\b|\bFalse\b", visible), name
        assert table.provenance in ("sourced", "demo", "mixed") and "behind this table" in table.provenance_text, name


def test_view_tables_state_the_provenance_of_their_rows(shipped):
    tables = view_tables(shipped)
    assert tables["project_overview.partners_table"].provenance == "sourced"
    assert tables["partner_regions.links_by_phase_table"].provenance == "demo"            # every link is demo data
    log = tables["policy_change_indicators.change_log_table"]
    # policy_changes.csv: 3 sourced changes; demo/policy_changes.csv: 17
    assert log.provenance_text == "Partly demo data: 17 of 20 rows behind this table are demo data."
    assert log.cells["Demo data"].value_counts().to_dict() == {"yes": 17, "no": 3}         # and which rows
    # region_aura's transfers: 2 demo rows (from ecoplus, IDM) and the sourced one from Region Skåne
    assert tables["policy_learning.network_table"].provenance_text == (
        "Partly demo data: 2 of 3 rows behind this table are demo data.")
    assert tables["policy_learning.events_table"].provenance == "sourced"                # its 2 hosted events
    assert (tables["partner_profile.learning_chain_table"].cells.values.tolist()
            == tables["policy_learning.journey_table"].cells.values.tolist())           # the same chain


# ---------------------------------------------------------------- the CSV download of every table
def test_every_table_downloads_as_csv_of_its_values():
    import base64

    frame = pd.DataFrame({
        "partner": ["VLAIO", "Région <AURA>"], "funds": [13_000_000.0, None], "lead": [True, False],
        "start": [pd.Timestamp("2017-11-01"), pd.NaT], "precision": ["month", None],
        "source": ["https://www.interregeurope.eu/x?a=1&b=2", None], "synthetic": [False, True]})
    table = reader_table(frame, {"partner": "Partner", "funds": eur("Funds influenced"), "lead": "Lead partner",
                                 "start": date("Start", precision="precision"), "source": link("Source")},
                         provenance_of=frame, caption='Partners "2017"')
    # values, not the cells' text: no thousands separators, no "–", full URLs, dates at their precision
    assert table.csv() == ("Partner,Funds influenced (EUR),Lead partner,Start,Source\n"
                           "VLAIO,13000000.0,true,2017-11,https://www.interregeurope.eu/x?a=1&b=2\n"
                           "Région <AURA>,,false,,\n")
    page = table._repr_html_()
    link_html = re.search(r'<a class="cx-download" href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)" '
                          r'download="partners-2017.csv">Download this table \(CSV\)</a>', page)
    assert link_html, page
    assert base64.b64decode(link_html[1]).decode("utf-8") == "\ufeff" + table.csv()   # UTF-8 with a BOM
    assert "<AURA>" not in page                                                         # the HTML stays escaped


def test_the_csv_never_hands_a_spreadsheet_a_formula():
    frame = pd.DataFrame({"title": ['=HYPERLINK("http://evil.example")', "+1", "@SUM(A1)", "-5 km", "ok"]})
    table = reader_table(frame, {"title": "Title"}, provenance_of=frame)
    assert table.csv().splitlines()[1:] == ['"\'=HYPERLINK(""http://evil.example"")"', "'+1", "'@SUM(A1)", "-5 km",
                                            "ok"]
    assert table.cells["Title"].tolist()[0] == '=HYPERLINK("http://evil.example")'   # the page shows it as it is


def test_a_table_without_a_caption_names_its_csv_after_its_first_columns():
    frame = pd.DataFrame({"a": [1], "b": [2], "c": [3], "d": [4]})
    table = reader_table(frame, {"a": "Partner", "b": "Phase – name", "c": "C", "d": "D"}, provenance_of=frame)
    assert table.download_name() == "partner-phase-name-c.csv"
    assert reader_table(frame.iloc[:0], {"a": "A"}, provenance_of=frame).csv() == "A\n"   # no rows: the header

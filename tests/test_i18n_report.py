"""The report in six languages: its words, Babel's numbers and dates, right to left, charts.

The expected words are ``translator(lang)(msgid)``: the tests stay true while the
catalogues are filled (an untranslated message shows its English id).
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser

import arabic_reshaper
import geopandas as gpd
import pandas as pd
import pytest
from bidi import get_display

import geomap
from geomap import analysis
from geomap.analysis import DISTRICT_COLUMNS
from geomap.analysis.quality import detail_parts
from geomap.i18n import LANGUAGES
from geomap.i18n import format_date
from geomap.i18n import format_month
from geomap.i18n import format_number
from geomap.i18n import translator
from geomap.i18n.names import name_field
from geomap.i18n.names import translated_names
from geomap.report import REPORT_FILES
from geomap.report import write_analysis
from geomap.report.charts import release_chart
from geomap.report.words import code_label
from geomap.report.words import detail_text

from .conftest import SAMPLE
from .conftest import run_cli

#: Azerbaijani district names for the sample, as a user's layer would carry them.
NAMES_AZ = {"Aghdam": "Ağdam", "Fuzuli": "Füzuli", "Shusha": "Şuşa", "Lachin": "Laçın"}
HEADINGS = ("Key figures", "Map", "Trends", "Districts")
HEADINGS_AFTER = ("Proposed suspected hazard areas",)
HEADINGS_LAST = ("Data quality", "Settings and files")


class _Report(HTMLParser):
    """report.html as a reader meets it: the root's attributes, headings, tables per section."""

    def __init__(self) -> None:
        super().__init__()
        self.root: dict[str, str | None] = {}
        self.headings: list[str] = []
        self.figures: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self._section = ""
        self._tag: list[str] = []
        self._text = ""
        self._label = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.root = attrs
        if tag == "section":
            self._section = str(attrs.get("id"))
        if tag == "tr":
            self.tables.setdefault(self._section, []).append([])
        if tag in ("h2", "th", "td", "li", "b"):
            if tag == "b":
                self._label = self._text
            self._tag.append(tag)
            self._text = ""

    def handle_endtag(self, tag):
        if not self._tag or tag != self._tag[-1]:
            return
        self._tag.pop()
        if tag == "h2":
            self.headings.append(self._text)
        elif tag in ("th", "td"):
            self.tables[self._section][-1].append(self._text)
        elif tag == "b" and self._section == "figures":
            self.figures[self._label] = self._text

    def handle_data(self, data):
        self._text += data

    @classmethod
    def read(cls, path) -> _Report:
        """Parse one report.html."""
        page = cls()
        page.feed(path.read_text(encoding="utf-8"))
        return page

    def table(self, section: str, first: int = 0) -> list[dict[str, str]]:
        """The rows of a section's table (its ``first``-th table's heading row onwards)."""
        rows = self.tables[section]
        heads = next(i for i, r in enumerate(rows) if r and i >= first)
        head = rows[heads]
        return [dict(zip(head, r, strict=True)) for r in rows[heads + 1 :] if len(r) == len(head)]


@pytest.fixture(scope="module")
def result():
    results = geomap.load_layers(SAMPLE)
    districts = gpd.read_file(SAMPLE, layer="districts")
    districts["name_az"] = districts["name"].map(NAMES_AZ)
    return analysis.run_analysis(
        results["incidents"],
        results["hazards"],
        districts=districts,
        towns=gpd.read_file(SAMPLE, layer="towns"),
        roads=gpd.read_file(SAMPLE, layer="roads"),
        record_start="2020-11-10",
        top=20,
    )


@pytest.fixture(scope="module")
def reports(tmp_path_factory, result):
    """The sample's report folder in each of the six languages."""
    root = tmp_path_factory.mktemp("reports")
    return {
        lang: (write_analysis(root / lang, result, tiles=None, lang=lang), root / lang)
        for lang in LANGUAGES
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_exists_in_every_language(reports, lang):
    files, folder = reports[lang]
    assert sorted(files) == sorted(REPORT_FILES)
    for chart in ("release-trend.png", "casualties-by-month.png", "cumulative.png"):
        assert (folder / chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", chart
    page = _Report.read(folder / "report.html")
    assert page.root["lang"] == lang
    assert page.root["dir"] == ("rtl" if lang == "ar" else "ltr")


@pytest.mark.parametrize("lang", ["az", "ar", "ru"])
def test_headings_and_table_headers_are_the_catalogues_words(reports, lang):
    _ = translator(lang)
    page = _Report.read(reports[lang][1] / "report.html")
    top = _("Priorities: top {top} active hazard areas", top=format_number(20, lang))
    assert page.headings == [
        *map(_, HEADINGS),
        top,
        *map(_, HEADINGS_AFTER),
        _("Hazard land (km², overlaps dissolved)"),
        *map(_, HEADINGS_LAST),
    ]
    assert list(page.table("districts")[0]) == [_(c) for c in DISTRICT_COLUMNS]
    assert _("Incidents") in page.figures
    assert page.figures[_("Incidents")] == format_number(125, lang)
    # Vocabulary codes are shown by their labels in the language (the CSV keeps the codes).
    classes = {row[_("hazard_class")] for row in page.table("priorities")}
    assert classes <= {_("SHA"), _("CHA")}
    statuses = [row[_("status")] for row in page.table("areas")]
    assert statuses[:2] == [_("active"), _("active")]
    assert _("handed over") in statuses


def test_azerbaijani_numbers_and_dates_are_babels(reports, result):
    page = _Report.read(reports["az"][1] / "report.html")
    _ = translator("az")
    released = result.figures.km2_by_contamination["released"]
    assert page.figures[_("Released")] == _("{area} km²", area=format_number(released, "az", 2))
    assert "21,29" in page.figures[_("Released")]
    # Distances of a kilometre and more: whole metres with Azerbaijani separators.
    rows = page.table("priorities")
    shown = [row[_("town_distance_m")] for row in rows]
    expected = result.priorities["town_distance_m"].head(len(rows))
    far = [(s, v) for s, v in zip(shown, expected, strict=True) if v >= 1000]
    assert len(far) >= 5
    assert [s for s, _v in far] == [format_number(v, "az") for _v2, v in far]
    assert "1.745" in shown
    # The proposed areas' first and last dates, in Babel's long Azerbaijani format.
    proposed = page.table("proposed")
    firsts = [d.date() for d in pd.to_datetime(result.proposed["first_date"])]
    assert [row[_("first_date")] for row in proposed] == [format_date(d, "az") for d in firsts]
    assert proposed[0][_("first_date")] == "9 aprel 2021"


def test_names_in_the_language_where_the_layer_has_them(reports):
    def names(lang: str) -> list[str]:
        rows = _Report.read(reports[lang][1] / "report.html").table("districts")
        return [row[translator(lang)("name")] for row in rows]

    az = names("az")
    assert {"Ağdam", "Füzuli", "Şuşa", "Laçın"} <= set(az)
    assert "Jabrayil" in az  # no name_az: the name as given
    assert "Агдам" in names("ru")  # the sample's name_ru
    assert "Aghdam" in names("ar")  # no name_ar column: the names as given
    towns = pd.DataFrame({"name": ["Shusha", "Lachin"], "name_az": ["Şuşa", None]})
    assert translated_names(towns, "az") == {"Shusha": "Şuşa"}
    assert name_field(towns.columns, "az") == "name_az"
    assert name_field(towns.columns, "ar") == "name"


def test_machine_readable_files_keep_their_codes_in_every_language(reports):
    english = reports["en"][1]
    for lang in ("az", "ar"):
        folder = reports[lang][1]
        for name in ("districts.csv", "areas.csv", "priorities.csv", "quality.csv"):
            assert (folder / name).read_bytes() == (english / name).read_bytes(), (lang, name)
        areas = pd.read_csv(folder / "areas.csv")
        assert "hazard_class" in areas.columns
        assert set(areas["status"]) >= {"active", "handed over"}


def test_arabic_page_and_charts_run_right_to_left(reports, result):
    folder = reports["ar"][1]
    text = (folder / "report.html").read_text(encoding="utf-8")
    assert text.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">')
    assert "text-align:end" in text  # logical CSS: the table mirrors with the page
    fig = release_chart(result.release_monthly, lang="ar")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert labels
    months = [format_month(d, "ar") for d in pd.date_range("2020-01-01", "2026-12-01", freq="MS")]
    shaped = {get_display(arabic_reshaper.reshape(m)) for m in months}
    assert set(labels) <= shaped
    # Arabic letters are drawn in their joined presentation forms, in display order.
    assert all(any("\ufe70" <= c <= "\ufeff" for c in label) for label in labels)
    title = translator("ar")("Land released per period")
    assert ax.get_title() == get_display(arabic_reshaper.reshape(title))


def test_chart_ticks_are_babels_months_and_numbers(result):
    fig = release_chart(result.release_monthly, lang="ru")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    months = {
        format_month(d, "ru") for d in pd.date_range("2020-01-01", "2026-12-01", freq="MS")
    } | {str(y) for y in range(2020, 2027)}
    assert labels
    assert set(labels) <= months
    numbers = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "0,5" in numbers  # a Russian decimal comma, not matplotlib's "0.5"


def test_code_labels_translate_each_code_of_a_list():
    _ = translator("es")
    assert code_label("AP mine, UXO", "es") == f"{_('AP mine')}, {_('UXO')}"


def test_report_command_takes_lang(capsys, tmp_path):
    out_dir = tmp_path / "rep"
    code, out, _ = run_cli(capsys, "report", SAMPLE, "-o", out_dir, "--lang", "ar", "-q")
    assert code == 0, out
    page = _Report.read(out_dir / "report.html")
    assert (page.root["lang"], page.root["dir"]) == ("ar", "rtl")
    assert page.headings[0] == translator("ar")("Key figures")
    with pytest.raises(SystemExit) as exc:  # argparse's own usage error
        run_cli(capsys, "report", SAMPLE, "--lang", "fr")
    assert exc.value.code == 2
    assert "argument --lang: invalid choice: 'fr'" in capsys.readouterr().err


def test_the_default_title_is_in_the_language(reports):
    for lang in ("en", "uk"):
        title = translator(lang)("Explosive ordnance contamination: analysis")
        text = (reports[lang][1] / "report.html").read_text(encoding="utf-8")
        assert f"<h1>{title}</h1>" in text


def test_quality_sentences_are_written_in_the_language():
    """The data-quality flags' sentences: every one the sample gives is read back, and
    written from the catalogue with Babel's numbers and dates."""
    layers = geomap.load_layers(SAMPLE)
    flags = analysis.check_quality(layers["hazards"], layers["incidents"])
    assert len(flags) > 0
    assert all(detail_parts(d) is not None for d in flags["detail"])
    overlap = "overlaps HA-0002 by 160,414 m² (58.7% of this area)"
    assert detail_text(overlap, "en") == overlap
    assert detail_text(overlap, "az") == translator("az")(
        "overlaps {other} by {area} m² ({share}% of this area)",
        other="HA-0002",
        area=format_number(160414, "az"),
        share=format_number(58.7, "az", 1),
    )
    assert "160.414" in detail_text(overlap, "az")
    late = "dated 2031-05-04, after today (2026-11-29)"
    assert format_date(dt.date(2031, 5, 4), "ru") in detail_text(late, "ru")

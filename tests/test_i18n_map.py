"""The map in the chosen language: the page's lang and dir, its i18n block, Python-made text.

Every text the page shows that Python made is ``translator(lang)(msgid)``: the tests
compare with that, so they stay true as the catalogues are filled. Where a catalogue
lacks a translation, a stub catalogue shows that the text really goes through it.
"""

from __future__ import annotations

import base64
import re

import geopandas as gpd
import numpy as np
import pytest

import geomap
import geomap.i18n
from geomap._errors import GeomapError
from geomap.i18n import page_locale
from geomap.i18n import translator
from geomap.i18n.names import local_names
from geomap.map import MapOptions
from geomap.map import embed_html
from geomap.map.public import PUBLIC_LABELS
from geomap.style import DISCLAIMER
from geomap.style import HAZARD_LABELS

from .conftest import SAMPLE
from .conftest import app_config
from .conftest import run_cli

#: Languages other than English, Arabic the one written right to left.
OTHERS = ("az", "ru", "uk", "es", "ar")


@pytest.fixture(scope="module")
def sample():
    return geomap.load_layers(SAMPLE)


@pytest.fixture(scope="module")
def context():
    layers = {"districts": "districts", "places": "towns"}
    return {k: gpd.read_file(SAMPLE, layer=name) for k, name in layers.items()}


def page(sample, lang, **kwargs):
    m = geomap.render_map(sample["incidents"], sample["hazards"], lang=lang, **kwargs)
    return m.get_root().render()


def specs(config):
    return {layer["key"]: layer for layer in config["layers"]}


def text_column(col):
    """The plain values of a text column as the page gets it (list or dictionary)."""
    if isinstance(col, list):
        return col
    codes = np.frombuffer(base64.b64decode(col["i"]["b64"]), dtype="<" + col["i"]["t"])
    return [None if c == col["i"]["na"] else col["d"][c] for c in codes]


@pytest.mark.parametrize("lang", ["az", "ru", "ar"])
def test_page_says_its_language_and_direction(sample, lang):
    html = page(sample, lang)
    direction = "rtl" if lang == "ar" else "ltr"
    assert re.search(r"<html[^>]*>", html).group(0) == f'<html lang="{lang}" dir="{direction}">'
    config = app_config(html)
    assert config["i18n"] == page_locale(lang)
    assert config["i18n"]["dir"] == direction


@pytest.mark.parametrize("lang", OTHERS)
def test_python_made_text_is_the_catalogues(sample, context, lang):
    _ = translator(lang)
    config = app_config(page(sample, lang, **context))
    layers = specs(config)
    haz, inc = layers["hazards"], layers["incidents"]
    assert haz["group"] == _("Hazard areas")
    assert haz["names"] == {"active": _("Active hazard areas"), "released": _("Released land")}
    legend = [e["label"] for e in haz["legends"]["active"]]
    assert _(HAZARD_LABELS["active CHA"]) in legend
    assert inc["name"] == _("Incidents")
    assert inc["labels"]["date"] == _("Date")
    assert inc["labels"]["victim_category"] == _("Victims")
    assert layers["districts-casualties"]["name"] == _("Casualties by district")
    assert layers["districts-casualties"]["labels"]["district"] == _("District")
    assert layers["places"]["name"] == _("Towns and villages")
    assert config["title"] == _("Explosive ordnance contamination")
    assert config["summary"]["title"] == _("Summary")
    assert config["notices"]["disclaimer"] == _(DISCLAIMER)
    assert config["frame"]["name"] == _("Built-in outlines and place names")
    victim = next(f for f in config["filters"]["fields"] if f["field"] == "victim_category")
    assert victim["label"] == _("Victim category")
    assert {_("district"), _("town")} <= {p["kind"] for p in config["search"]["places"]}


def test_a_translation_in_the_catalogue_reaches_the_page(sample, context, monkeypatch):
    """With a (stub) Russian catalogue, the page shows its words; the codes stay the data."""
    stub = {
        "Hazard areas": "Опасные районы",
        "Date": "Дата",
        "civilian": "мирный житель",
        "CHA": "ПОР",
        "Confirmed hazardous area (CHA)": "Подтверждённый опасный район (ПОР)",
        "Summary": "Сводка",
        DISCLAIMER: "Неотмеченные районы не обязательно безопасны.",
    }
    real = geomap.i18n._catalogue

    def catalogue(lang, domain):
        return stub if domain == "geomap" else real(lang, domain)

    monkeypatch.setattr(geomap.i18n, "_catalogue", catalogue)
    config = app_config(page(sample, "ru", **context))
    layers = specs(config)
    haz, inc = layers["hazards"], layers["incidents"]
    assert haz["group"] == "Опасные районы"
    assert inc["labels"]["date"] == "Дата"
    assert haz["legends"]["active"][0]["label"] == "Подтверждённый опасный район (ПОР)"
    assert inc["valueLabels"]["victim_category"] == {"civilian": "мирный житель"}
    assert haz["valueLabels"]["hazard_class"] == {"CHA": "ПОР"}
    assert "civilian" in text_column(inc["cols"]["victim_category"])  # the data keep the code
    assert "CHA" in text_column(haz["cols"]["hazard_class"])
    victim = next(f for f in config["filters"]["fields"] if f["field"] == "victim_category")
    civilian = next(v for v in victim["values"] if v["value"] == "civilian")
    assert civilian["label"] == "мирный житель"
    legend = [e.get("label") for e in inc["legend"]]
    assert "мирный житель" in legend
    rows = {r["key"]: r["label"] for r in config["summary"]["rows"]}
    assert rows["victims-civilian"] == translator("ru")(
        "{category}: killed / injured", category="мирный житель"
    )
    assert config["summary"]["title"] == "Сводка"
    assert config["notices"]["disclaimer"] == stub[DISCLAIMER]


@pytest.mark.parametrize("lang", OTHERS)
def test_translated_strings_differ_from_english(sample, lang):
    """Once a catalogue translates a layer's name, the page no longer shows the English."""
    translated = geomap.i18n._catalogue(lang, "geomap")
    if "Hazard areas" not in translated:
        pytest.skip(f"the {lang} catalogue does not translate 'Hazard areas' yet")
    haz = specs(app_config(page(sample, lang)))["hazards"]
    assert haz["group"] == translated["Hazard areas"] != "Hazard areas"


def test_english_page_is_unchanged(sample, context):
    html = page(sample, "en", **context)
    assert '<html lang="en" dir="ltr">' in html
    config = app_config(html)
    layers = specs(config)
    haz, inc = layers["hazards"], layers["incidents"]
    assert haz["group"] == "Hazard areas"
    assert haz["legends"]["active"][0]["label"] == "Confirmed hazardous area (CHA)"
    assert inc["labels"]["date"] == "Date"
    assert "valueLabels" not in inc
    assert "valueLabels" not in haz
    assert all("label" not in v for f in config["filters"]["fields"] for v in f["values"])
    assert config["title"] == "Explosive ordnance contamination"
    assert config["notices"]["disclaimer"] == DISCLAIMER
    assert config["i18n"]["lang"] == "en"
    assert config["i18n"]["messages"] == {}


def test_public_map_names_its_cells_in_the_language(sample):
    _ = translator("es")
    config = app_config(page(sample, "es", public=True))
    inc = specs(config)["incidents"]
    assert inc["name"] == _("Incidents (generalised to {cells} cells)", cells=_("grid"))
    assert inc["labels"]["incidents"] == _(PUBLIC_LABELS["incidents"])


def test_names_in_the_language_where_the_data_have_them(sample, context):
    districts = context["districts"].assign(name_ru=None)
    districts.loc[districts["name"] == "Shusha", "name_ru"] = "Шуша"
    places = context["places"].assign(name_ru="")
    places.loc[places["name"] == "Lachin", "name_ru"] = "Лачин"
    kwargs = {"districts": districts, "places": places}
    ru = app_config(page(sample, "ru", **kwargs))
    names = text_column(specs(ru)["districts-casualties"]["cols"]["district"])
    assert "Шуша" in names
    assert "Shusha" not in names
    assert "Aghdam" in names  # no Russian name: as given
    towns = text_column(specs(ru)["places"]["cols"]["name"])
    assert "Лачин" in towns
    assert "Lachin" not in towns
    assert "Fuzuli" in towns
    found = {p["label"] for p in ru["search"]["places"]}
    assert {"Шуша", "Лачин"} <= found
    assert "Шуша" in text_column(ru["frame"]["districts"]["text"])
    countries = text_column(ru["frame"]["countries"]["text"])
    assert "Азербайджан" in countries  # the frame's countries: CLDR's names
    assert "Azerbaijan" not in countries
    en = app_config(page(sample, "en", **kwargs))  # no name_en: the names as given
    assert "Shusha" in text_column(specs(en)["districts-casualties"]["cols"]["district"])
    assert "Azerbaijan" in text_column(en["frame"]["countries"]["text"])


def test_local_names_keeps_a_frame_without_names_in_the_language():
    df = gpd.GeoDataFrame({"name": ["A", "B"], "name_az": ["Ə", " "]}, geometry=[None, None])
    assert local_names(df, "az")["name"].tolist() == ["Ə", "B"]
    assert local_names(df, "ru") is df


def test_lang_is_checked():
    with pytest.raises(GeomapError, match="lang must be one of en, az, ru, uk, es, ar"):
        MapOptions(lang="de")


def test_cli_render_and_embed_in_arabic(tmp_path, capsys):
    out = tmp_path / "map.html"
    code, _, err = run_cli(capsys, "render", SAMPLE, "--lang", "ar", "-o", out, "-q")
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    assert app_config(html)["i18n"]["lang"] == "ar"
    snippet = tmp_path / "embed.html"
    args = ("embed", SAMPLE, "--lang", "ar", "--as", "fragment", "-o", snippet, "-q")
    code, _, err = run_cli(capsys, *args)
    assert code == 0, err
    box = re.search(r'<div class="geomap-embed"[^>]*>', snippet.read_text(encoding="utf-8"))
    assert 'lang="ar" dir="rtl"' in box.group(0)
    with pytest.raises(SystemExit) as exc:
        run_cli(capsys, "render", SAMPLE, "--lang", "xx", "-o", out, "-q")
    assert exc.value.code == 2
    assert "argument --lang: invalid choice: 'xx'" in capsys.readouterr().err


def test_embed_fragment_takes_the_maps_language(sample):
    m = geomap.render_map(sample["incidents"], sample["hazards"], lang="uk")
    box = re.search(r'<div class="geomap-embed"[^>]*>', embed_html(m, "fragment")).group(0)
    assert 'lang="uk" dir="ltr"' in box
    title = translator("uk")("Map of explosive ordnance contamination")
    assert f'aria-label="{title}"' in box


def test_russian_popup_shows_the_labels_of_codes(browser, sample, tmp_path):
    """In the browser, a popup shows a code's label in the map's language, not the code."""
    _ = translator("ru")
    path = geomap.save_map(
        geomap.render_map(sample["incidents"], sample["hazards"], lang="ru"), tmp_path / "ru.html"
    )
    row = sample["incidents"].kept.set_index("id").loc["INC-0001"]
    with browser.page(path) as (page, _report):
        page.locator(".geomap-search input").fill("INC-0001")
        page.locator(".geomap-search input").press("Enter")
        popup = page.locator(".geomap-popup", has_text="INC-0001")
        popup.wait_for()
        heads, values = popup.locator("th").all_inner_texts(), popup.locator("td").all_inner_texts()
        cells = dict(zip(heads, values, strict=True))
    assert cells[_("Victims")] == _(row["victim_category"])
    assert cells[_("Type")] == _(row["incident_type"])
    if "civilian" in geomap.i18n._catalogue("ru", "geomap"):
        assert cells[_("Victims")] != row["victim_category"]

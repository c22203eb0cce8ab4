"""The report folder and the `geomap stats` / `geomap report` commands."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

import geomap
from geomap import analysis
from geomap.cli import main
from geomap.report import REPORT_FILES
from geomap.report import write_analysis
from geomap.report import write_report

from .conftest import FIRST_MAP
from .conftest import MAPS_READY
from .conftest import SAMPLE

XSS = "<img src=x onerror=alert(1)>"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run a command as a user would: exit status, standard output, standard error."""
    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


class _Page(HTMLParser):
    """Collects the tags a reader of report.html would meet."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag):
        return [a for t, a in self.tags if t == tag]


def parse(path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def sample_layers():
    results = geomap.load_layers(SAMPLE)
    return {
        "incidents": results["incidents"],
        "hazards": results["hazards"],
        "districts": gpd.read_file(SAMPLE, layer="districts"),
        "towns": gpd.read_file(SAMPLE, layer="towns"),
        "roads": gpd.read_file(SAMPLE, layer="roads"),
    }


@pytest.fixture(scope="module")
def report(tmp_path_factory, sample_layers):
    folder = tmp_path_factory.mktemp("report")
    steps: list[tuple[str, int, int]] = []
    files = write_report(
        folder,
        record_start="2020-11-10",
        progress=lambda *a: steps.append(a),
        **sample_layers,
    )
    return folder, files, steps


def test_report_writes_every_file(report):
    folder, files, _ = report
    assert sorted(files) == sorted(REPORT_FILES)
    for name in REPORT_FILES:
        assert (folder / name).stat().st_size > 0, name
    assert sorted(p.name for p in folder.iterdir()) == sorted(REPORT_FILES)  # no temp files
    for png in folder.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_progress_hook_sees_every_step(report):
    _, _, steps = report
    assert [s[1] for s in steps] == list(range(1, len(steps) + 1))
    assert {s[2] for s in steps} == {len(steps)}
    assert any("district" in s[0] for s in steps)


def test_report_tables_hold_the_sample_totals(report):
    folder, _, _ = report
    districts = pd.read_csv(folder / "districts.csv")
    assert districts["casualties"].sum() == 177
    assert districts["killed_civilian"].sum() == 35
    assert districts["killed_journalist"].sum() == 3
    links = pd.read_csv(folder / "links.csv")
    assert len(links) == 125
    assert set(links["link"]) == {"inside", "nearby", "unlinked"}
    assert "source_file" not in links.columns
    monthly = pd.read_csv(folder / "casualties-monthly.csv")
    assert monthly["casualties_cum"].iloc[-1] == 177
    yearly = pd.read_csv(folder / "release-trend-yearly.csv")
    assert list(yearly["period"]) == [2021, 2022, 2023, 2024]
    quality = pd.read_csv(folder / "quality.csv")
    assert set(quality["check"]) == {"overlap"}
    timeline = json.loads((folder / "timeline.json").read_text())
    assert len(timeline["casualties"]["casualties"]) == len(timeline["periods"])


def test_report_geopackages(report, sample_layers):
    folder, _, _ = report
    proposed_path = folder / "proposed-hazard-areas.gpkg"
    assert [r[0] for r in pyogrio.list_layers(proposed_path)] == ["proposed_hazard_areas"]
    proposed = gpd.read_file(proposed_path)
    linked = analysis.link_incidents(sample_layers["incidents"], sample_layers["hazards"])
    expected = analysis.propose_hazard_areas(linked)
    assert list(proposed["id"]) == list(expected["id"])
    assert list(proposed["incident_ids"]) == list(expected["incident_ids"])
    assert proposed.crs.to_epsg() == 4326
    assert proposed.geometry.is_valid.all()
    priorities = gpd.read_file(folder / "priorities.gpkg", layer="priorities")
    assert len(priorities) == 235
    assert priorities["rank"].iloc[0] == 1
    assert priorities["score"].is_monotonic_decreasing


def test_report_page_shows_map_charts_and_tables(report):
    folder, _, _ = report
    page = parse(folder / "report.html")
    frames = page.find("iframe")
    assert [f["src"] for f in frames] == ["map.html"]
    images = page.find("img")
    assert len(images) == 3
    assert all(str(i["src"]).startswith("data:image/png;base64,") for i in images)
    assert all(i.get("alt") for i in images)
    assert len(page.find("table")) >= 5
    text = " ".join(page.text)
    for heading in ("Key figures", "Map", "Trends", "Districts", "Priorities", "Data quality"):
        assert heading in text
    assert "177" in text
    # Nothing on the page reaches for the network.
    links = [a.get("src") or a.get("href") or "" for _, a in page.tags]
    assert not [u for u in links if u.startswith(("http:", "https:", "//"))]


def test_write_analysis_writes_an_analysis_already_run(tmp_path, sample_layers, report):
    folder, _, _ = report
    layers = dict(sample_layers)
    result = analysis.run_analysis(
        layers.pop("incidents"), layers.pop("hazards"), **layers, record_start="2020-11-10", top=20
    )
    steps: list[tuple[str, int, int]] = []
    files = write_analysis(tmp_path, result, tiles=None, progress=lambda *a: steps.append(a))
    assert sorted(files) == sorted(REPORT_FILES)
    assert [s[1:] for s in steps] == [(1, 3), (2, 3), (3, 3)]
    for name in ("links.csv", "districts.csv", "priorities.csv", "quality.csv", "timeline.json"):
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name


def test_report_escapes_user_text(tmp_path, sample_layers):
    inc = sample_layers["incidents"].kept.copy()
    linked = analysis.link_incidents(inc, sample_layers["hazards"])
    clustered = analysis.propose_hazard_areas(linked)["incident_ids"].iloc[0].split(", ")
    inc.loc[inc["id"] == clustered[0], "id"] = XSS
    write_report(
        tmp_path,
        inc,
        sample_layers["hazards"],
        subtitle="</style><script>alert(2)</script>",
    )
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert XSS not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<script>alert(2)" not in text
    assert not [t for t, _ in parse(tmp_path / "report.html").tags if t == "script"]


@pytest.mark.browser
def test_report_opens_offline_with_map_and_charts(browser, report):
    folder, _, _ = report
    with browser.page(
        folder / "report.html",
        wait_for="document.readyState === 'complete' && "
        "Array.from(document.images).every(i => i.complete)",
    ) as (page, seen):
        frame = next(f for f in page.frames if f.url.endswith("/map.html"))
        frame.wait_for_function(
            f"{MAPS_READY} && {FIRST_MAP}.layers.incidents && {FIRST_MAP}.layers.proposed",
            timeout=60_000,
        )
        layers = frame.evaluate(f"Object.keys({FIRST_MAP}.layers)")
        assert {"hazards", "incidents", "proposed"} <= set(layers)
        drawn = frame.locator("path.geomap-proposed").count()
        assert drawn == len(gpd.read_file(folder / "proposed-hazard-areas.gpkg")) > 0
        widths = page.evaluate("Array.from(document.images).map(i => i.naturalWidth)")
        assert len(widths) == 3
        assert all(w > 0 for w in widths)
        assert page.locator("iframe").bounding_box()["height"] > 300
        assert seen.dialogs == []


# --------------------------------------------------------------------------- commands


def test_stats_prints_the_summary(capsys):
    code, out, err = run(capsys, "stats", SAMPLE, "--record-start", "2020-11-10")
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("casualties") and " 177 " in line for line in lines)
    assert any(line.startswith("incidents") and "unlinked" in line for line in lines)
    assert "civilian 35" in out
    assert "journalist 3" in out
    total = next(line for line in lines if line.strip().startswith("total"))
    assert total.split()[1:5] == ["125", "56", "121", "177"]
    assert "top 10 priority areas" in out
    assert "HA-" in out
    assert err == ""  # progress bars only on a terminal (tests/test_progress.py)


def test_stats_quiet_prints_no_progress(capsys):
    code, out, err = run(capsys, "-q", "stats", SAMPLE)
    assert code == 0
    assert err == ""
    assert "casualties" not in out


def test_stats_without_districts_or_context(capsys):
    code, out, _ = run(capsys, "stats", SAMPLE, "--no-context")
    assert code == 0
    assert "districts" not in out
    assert "top 10 priority areas" in out  # ranked by casualties and size alone


def test_report_command_writes_the_folder(capsys, tmp_path):
    out_dir = tmp_path / "rep"
    code, out, err = run(
        capsys,
        "report",
        SAMPLE,
        "-o",
        out_dir,
        "--weight",
        "casualties=0.6",
        "--eps",
        "1500",
        "--title",
        "Karabakh (synthetic sample)",
    )
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(REPORT_FILES)
    assert f"open {out_dir / 'report.html'}" in out
    assert err == ""  # progress bars only on a terminal (tests/test_progress.py)
    assert "casualties 0.6" in (out_dir / "report.html").read_text(encoding="utf-8")
    assert "Karabakh (synthetic sample)" in (out_dir / "report.html").read_text(encoding="utf-8")


def test_commands_reject_bad_options(capsys, tmp_path):
    code, _, err = run(capsys, "stats", SAMPLE, "--weight", "schools=1")
    assert code == 2
    assert "NAME one of casualties" in err
    code, _, err = run(capsys, "stats", SAMPLE, "--max-distance", "-5")
    assert code == 2
    assert "≥ 0" in err
    code, _, err = run(capsys, "report", SAMPLE, "--record-start", "soon")
    assert code == 2
    assert "not a date" in err
    code, _, err = run(capsys, "stats", SAMPLE, "--kind", "incidents", "--layer", "incidents")
    assert code == 2
    assert "geomap: error: stats: no hazards found" in err
    code, _, err = run(capsys, "stats")
    assert code == 2
    assert "give input files" in err

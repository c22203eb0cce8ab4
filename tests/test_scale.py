"""Beyond one machine's memory: the dask path equals the in-memory path, step by step.

A few thousand synthetic incidents (benchmarks/synthetic.py) are written as several
GeoParquet part files and read back with dask-geopandas (npartitions > 1); each step
the dask path covers (read, validation, linking, district summary, casualty trends,
the whole analysis) must give the same rows as in memory. Then ``geomap convert``
(Hilbert-sorted parts, all or nothing) and ``geomap stats`` on its folder, and
``--scheduler`` (local names, a LocalCluster, clear errors).
"""

from __future__ import annotations

import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geomap
from geomap import analysis
from geomap._errors import GeomapError
from geomap.exchange import convert as convert_module
from geomap.exchange.convert import hilbert_order
from geomap.exchange.convert import write_partitioned
from geomap.io.partitioned import read_partitioned
from geomap.io.partitioned import using_scheduler
from geomap.load import load_partitioned

from .conftest import SAMPLE
from .conftest import run_cli

dask_geopandas = pytest.importorskip(
    "dask_geopandas", reason="dask-geopandas is not installed (pip install 'geomap[dask]')"
)
synthetic = pytest.importorskip("benchmarks.synthetic", reason="run from the repository root")

N_INCIDENTS, N_HAZARDS, PARTS = 3000, 300, 4


def _sorted(df: pd.DataFrame, by: tuple[str, ...] = ("source_file", "source_row")) -> pd.DataFrame:
    """Rows in a fixed order, a plain index, text as text (dask reads text as pyarrow)."""
    out = pd.DataFrame(df).sort_values(list(by), kind="stable").reset_index(drop=True)
    for c in out.columns:
        if str(out[c].dtype) in ("str", "string", "object"):
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def assert_same_rows(on_dask: pd.DataFrame, in_memory: pd.DataFrame, **sort: object) -> None:
    a, b = _sorted(on_dask, **sort), _sorted(in_memory, **sort)
    assert list(a.columns) == list(b.columns)
    geom = [c for c in a.columns if isinstance(b[c].dtype, gpd.array.GeometryDtype)]
    pd.testing.assert_frame_equal(a.drop(columns=geom), b.drop(columns=geom), check_dtype=False)
    for c in geom:
        assert gpd.GeoSeries(a[c]).geom_equals_exact(gpd.GeoSeries(b[c]), 0).all()


@pytest.fixture(scope="module")
def raw():
    """Raw synthetic incidents (as read from a file) with a few bad and duplicate rows."""
    haz = synthetic.make_hazards(N_HAZARDS, sizes=synthetic.sample_sizes, uniform_share=1.0)
    inc = synthetic.make_incidents(N_INCIDENTS, near=haz, near_share=0.4)
    inc.loc[5, "killed"] = -1  # rejected: not a whole number >= 0
    inc.loc[2900, "id"] = inc.loc[10, "id"]  # a duplicate in another partition
    inc.loc[40, "date"] = None  # undated: left out of the trends
    inc.loc[41, "victim_category"] = None
    inc["source_file"] = "incidents.gpkg"
    inc["source_row"] = np.arange(1, len(inc) + 1)
    return inc, geomap.validate_hazards(haz).kept, synthetic.make_districts(12)


@pytest.fixture(scope="module")
def folder(raw, tmp_path_factory):
    """The raw incidents as PARTS GeoParquet part files (not Hilbert-sorted)."""
    out = tmp_path_factory.mktemp("parts")
    for i, part in enumerate(np.array_split(np.arange(N_INCIDENTS), PARTS)):
        raw[0].iloc[part].to_parquet(out / f"part-{i:05d}.parquet")
    return out


@pytest.fixture(scope="module")
def checked(raw, folder):
    """(in memory, on dask) validation of the same incidents."""
    with using_scheduler("threads"):
        on_dask = load_partitioned(folder).persist()
    return geomap.validate_incidents(raw[0]), on_dask


def test_read_partitioned_gives_the_rows_of_every_part(raw, folder):
    ddf = read_partitioned(folder)
    assert ddf.npartitions == PARTS
    assert_same_rows(ddf.compute(), raw[0])
    glob_read = read_partitioned(f"{folder}/part-0000[01].parquet")
    assert glob_read.npartitions == 2
    assert len(glob_read.compute()) == N_INCIDENTS // 2


def test_parts_without_source_columns_get_rows_across_the_folder(raw, tmp_path):
    plain = raw[0].drop(columns=["source_file", "source_row"])
    plain.iloc[:1000].to_parquet(tmp_path / "a.parquet")
    plain.iloc[1000:].to_parquet(tmp_path / "b.parquet")
    got = read_partitioned(tmp_path).compute()
    assert got["source_row"].tolist() == list(range(1, N_INCIDENTS + 1))
    assert set(got["source_file"]) == {str(tmp_path)}


def test_validation_on_partitions_equals_in_memory(checked):
    in_memory, on_dask = checked
    assert on_dask.kept.npartitions == PARTS
    assert on_dask.rejected.npartitions == PARTS
    result = on_dask.compute()
    assert_same_rows(result.kept, in_memory.kept)
    # Rejected values are written as text (a CSV report): compare them as text.
    assert_same_rows(result.rejected.astype(str), in_memory.rejected.astype(str))
    assert_same_rows(result.notes, in_memory.notes)
    pd.testing.assert_frame_equal(result.files, in_memory.files, check_dtype=False)
    assert result.reconciles
    assert result.files.iloc[0][["read", "kept", "rejected"]].tolist() == [3000, 2998, 2]
    problems = sorted(result.rejected["problem"])
    assert problems[0].startswith("'-1' is not a whole number")
    assert problems[1] == "duplicate id 'INC-0000011'; first seen at incidents.gpkg row 11"


def test_linking_on_partitions_equals_in_memory(raw, checked):
    in_memory, on_dask = checked
    haz = raw[1]
    lazy = analysis.link_incidents(on_dask.kept, haz)
    assert lazy.npartitions == PARTS
    linked = analysis.link_incidents(in_memory.kept, haz)
    assert_same_rows(lazy.compute(), linked)
    assert set(linked["link"]) == {"inside", "nearby", "unlinked"}


def test_district_summary_on_partitions_equals_in_memory(raw, checked):
    in_memory, on_dask = checked
    _, haz, districts = raw
    got = analysis.district_summary(on_dask.kept, haz, districts)
    want = analysis.district_summary(in_memory.kept, haz, districts)
    pd.testing.assert_frame_equal(got, want)
    assert got["incidents"].sum() == 2998


@pytest.mark.parametrize("freq", ["M", "Y"])
def test_casualty_trends_on_partitions_equal_in_memory(checked, freq):
    in_memory, on_dask = checked
    got = analysis.casualty_trend(on_dask.kept, freq)
    want = analysis.casualty_trend(in_memory.kept, freq)
    pd.testing.assert_frame_equal(got, want)
    assert got["incidents_cum"].iloc[-1] == 2998 - 1  # one undated incident left out
    groups = [c for c in got.columns if c in synthetic.VICTIM_CATEGORIES]
    assert got[groups].to_numpy().sum() == got["casualties"].sum()


def test_whole_analysis_on_partitions_equals_in_memory(raw, checked):
    in_memory, on_dask = checked
    _, haz, districts = raw
    got = analysis.run_analysis(on_dask.kept, haz, districts=districts, scheduler="synchronous")
    want = analysis.run_analysis(in_memory.kept, haz, districts=districts)
    assert got.figures == want.figures
    for name, table in want.tables().items():
        other = got.tables()[name]
        if name == "links":
            assert_same_rows(other, table, by=("id",))
        else:
            pd.testing.assert_frame_equal(
                _sorted(other, by=tuple(other.columns[:1])),
                _sorted(table, by=tuple(table.columns[:1])),
                check_dtype=False,
            )


# --------------------------------------------------------------------------- scheduler


def test_local_schedulers_and_bad_names():
    for name in ("synchronous", "threads", "processes", None):
        with using_scheduler(name):
            pass
    bad = pytest.raises(GeomapError, match="expected one of synchronous, threads, processes")
    with bad, using_scheduler("fast"):
        pass


def test_unreachable_scheduler_is_one_line_exit_2(capsys):
    code, _, err = run_cli(
        capsys, "stats", SAMPLE, "--scheduler", "tcp://127.0.0.1:9", "-q", "--no-context"
    )
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("geomap: error: --scheduler tcp://127.0.0.1:9: no dask scheduler")
    assert "Traceback" not in err


def test_missing_distributed_is_explained(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    missing = pytest.raises(GeomapError, match=r"distributed package is needed.*geomap\[dask\]")
    with missing, using_scheduler("tcp://127.0.0.1:8786"):
        pass


def test_analysis_on_a_local_cluster_equals_in_memory(raw, folder, checked):
    distributed = pytest.importorskip(
        "distributed", reason="distributed is not installed (pip install 'geomap[dask]')"
    )
    in_memory, _ = checked
    _, haz, districts = raw
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        # The partitions are read and validated on the workers too.
        lazy = load_partitioned(folder)
        with using_scheduler(cluster.scheduler_address):
            got = analysis.run_analysis(lazy.kept, haz, districts=districts)
    want = analysis.run_analysis(in_memory.kept, haz, districts=districts)
    assert got.figures == want.figures
    pd.testing.assert_frame_equal(got.district_table, want.district_table)
    pd.testing.assert_frame_equal(got.casualties_monthly, want.casualties_monthly)


# --------------------------------------------------------------------------- convert


def test_convert_writes_hilbert_sorted_parts_and_stats_reads_them(capsys, tmp_path):
    out = tmp_path / "out"
    code, printed, _ = run_cli(capsys, "convert", SAMPLE, out, "--rows-per-part", "50")
    assert code == 0
    assert f"wrote {out / 'incidents'}/: 3 part files, 125 incidents (Hilbert-sorted)" in printed
    assert "incidents: 125 read = 125 kept + 0 rejected" in printed
    assert "counts reconcile: nothing lost" in printed
    parts = sorted((out / "incidents").iterdir())
    assert [len(gpd.read_parquet(p)) for p in parts] == [50, 50, 25]
    whole = pd.concat([gpd.read_parquet(p) for p in parts], ignore_index=True)
    assert hilbert_order(whole).tolist() == list(range(125))  # already in Hilbert order
    assert sorted(p.name for p in (out / "context").iterdir()) == [
        "districts.parquet",
        "roads.parquet",
        "towns.parquet",
    ]
    assert not list(tmp_path.glob(".out.*"))  # no temporary folder left
    # geomap stats on the folder (the dask path) prints what it prints on the file.
    code, on_dask, _ = run_cli(capsys, "stats", out, "--scheduler", "synchronous")
    assert code == 0
    _, in_memory, _ = run_cli(capsys, "stats", SAMPLE)
    assert on_dask == in_memory
    assert "casualties        177" in on_dask


def test_convert_reports_rejected_rows_and_reconciles(capsys, tmp_path, raw):
    src = tmp_path / "incidents.gpkg"
    raw[0].drop(columns=["source_file", "source_row"]).to_file(src, layer="incidents")
    out = tmp_path / "out"
    code, printed, _ = run_cli(capsys, "convert", src, out, "--kind", "incidents")
    assert code == 0
    assert "incidents: 3,000 read = 2,998 kept + 2 rejected" in printed
    assert "2 rejected rows, with their reasons, in rejected.csv" in printed
    rejected = pd.read_csv(out / "rejected.csv")
    assert rejected["source_row"].tolist() == [6, 2901]
    files = pd.read_csv(out / "files.csv")
    assert files[["read", "kept", "rejected"]].values.tolist() == [[3000, 2998, 2]]


def test_convert_never_leaves_half_a_folder(monkeypatch, tmp_path):
    layers = geomap.load_layers(SAMPLE)
    calls = []

    def fail_second(kept, folder, rows):
        calls.append(folder)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(kept, folder, rows)

    real = convert_module._write_parts
    monkeypatch.setattr(convert_module, "_write_parts", fail_second)
    with pytest.raises(OSError, match="No space left"):
        write_partitioned(tmp_path / "out", layers, rows_per_part=100)
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a temporary one


def test_convert_refuses_a_folder_with_files(capsys, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    code, _, err = run_cli(capsys, "convert", SAMPLE, tmp_path / "out")
    assert code == 2
    assert "already exists and is not an empty folder" in err
    assert (tmp_path / "out" / "keep.txt").read_text() == "mine"


def test_other_commands_refuse_a_converted_folder_in_one_line(capsys, tmp_path):
    write_partitioned(tmp_path / "out", geomap.load_layers(SAMPLE), rows_per_part=100)
    code, _, err = run_cli(capsys, "report", tmp_path / "out", "-o", tmp_path / "report", "-q")
    assert code == 2
    assert err == (
        f"geomap: error: {tmp_path / 'out'}: partitioned GeoParquet (as geomap convert "
        "writes) is read by geomap stats only (the dask path), not by geomap report\n"
    )
    assert not (tmp_path / "report").exists()

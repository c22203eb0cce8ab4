"""The public API: what `import geomap` offers, and the 0.1 module paths kept for a release."""

from __future__ import annotations

import importlib
import sys

import pytest

import geomap

OLD_PATHS = {
    "geomap.embed": ("geomap.map", ["embed_html"]),
    "geomap.publish": ("geomap.map", ["PUBLIC_FIELDS", "public_hazards", "public_incidents"]),
    "geomap.charts": ("geomap.report.charts", ["casualty_chart", "release_chart"]),
    "geomap.render": ("geomap.map", ["GeomapMap", "render_map", "save_map"]),
    "geomap.mapping": ("geomap.io", ["ColumnMapping", "load_mapping"]),
}


def test_top_level_api_is_importable():
    for name in geomap.__all__:
        assert getattr(geomap, name) is not None, name
    for name in (
        "read_incidents",
        "read_hazards",
        "validate_incidents",
        "validate_hazards",
        "load_layers",
        "render_map",
        "save_map",
        "load_mapping",
    ):
        assert name in geomap.__all__


@pytest.mark.parametrize("old", sorted(OLD_PATHS))
def test_old_module_paths_still_work_with_a_warning(old):
    new, names = OLD_PATHS[old]
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=f"{old} is deprecated: import .* from {new}"):
        module = importlib.import_module(old)
    target = importlib.import_module(new)
    for name in names:
        assert getattr(module, name) is getattr(target, name)

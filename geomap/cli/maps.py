"""``geomap render`` and ``geomap embed``: a map file, or a snippet for a web page.

Their map options are built from :class:`geomap.map.MapOptions` (its defaults and help
texts), so the command line and the Python API cannot disagree.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from geomap._errors import GeomapError
from geomap._progress import step as progress_step
from geomap.cli._common import EXIT_OK
from geomap.cli._common import Command
from geomap.cli._common import add_context_options
from geomap.cli._common import add_input_options
from geomap.cli._common import check_outputs
from geomap.cli._common import context
from geomap.cli._common import load
from geomap.cli._common import positive
from geomap.cli._common import rejects
from geomap.cli._common import say
from geomap.cli._common import writing
from geomap.i18n import LANGUAGES
from geomap.io import atomic_path
from geomap.load import load_risk
from geomap.map import GeomapMap
from geomap.map import MapOptions
from geomap.map import PublicPolicy
from geomap.map import embed_html
from geomap.map import render_map
from geomap.map import save_map
from geomap.map.layers.userbasemap import save_basemap
from geomap.map.options import BASEMAP_EMBED_MB
from geomap.map.options import CLUSTER_THRESHOLD
from geomap.map.options import GENERALISE
from geomap.map.options import RISK_SCHEMES
from geomap.validate import ValidationResult


def _render_options(p: argparse.ArgumentParser) -> None:
    _add_map_options(p)
    p.add_argument("-o", "--output", default="geomap-map.html", help="HTML file to write")


def _embed_options(p: argparse.ArgumentParser) -> None:
    _add_map_options(p)
    p.add_argument(
        "--as",
        dest="embed_kind",
        choices=["iframe", "fragment"],
        default="iframe",
        help="iframe (sandboxed srcdoc) or fragment (a <div> and its scripts)",
    )
    p.add_argument("--height", default="480px", help="map height as a CSS length (default 480px)")
    p.add_argument("-o", "--output", default="geomap-embed.html", help="snippet file to write")


#: How the command line spells each MapOptions field it offers: (flag, argparse keywords,
#: group). Defaults and help texts come from MapOptions itself.
_FLAGS: dict[str, tuple[str, dict[str, Any], str]] = {
    "title": ("--title", {}, "map"),
    "subtitle": ("--subtitle", {}, "map"),
    "popup_fields": ("--popup-fields", {"action": "append", "metavar": "LAYER=F1,F2"}, "map"),
    "tooltip_fields": ("--tooltip-fields", {"action": "append", "metavar": "LAYER=F1,F2"}, "map"),
    "tiles": ("--tiles", {"metavar": "A,B,..."}, "map"),
    "controls": ("--controls", {"metavar": "A,B,..."}, "map"),
    "cluster": ("--cluster", {"choices": ["auto", "on", "off"]}, "map"),
    "heatmap": ("--no-heatmap", {"action": "store_false"}, "map"),
    "time_slider": ("--no-time-slider", {"action": "store_false"}, "map"),
    "cdn": ("--cdn", {"action": "store_true"}, "map"),
    "public": ("--public", {"action": "store_true"}, "publishing safely"),
    "generalise": ("--generalise", {"choices": list(GENERALISE)}, "publishing safely"),
    "cell_m": ("--cell", {"type": positive, "metavar": "METRES"}, "publishing safely"),
    "k": ("-k", {"type": int}, "publishing safely"),
    "allow_unsafe": ("--unsafe-allow-small-cells", {"action": "store_true"}, "publishing safely"),
    "filters": ("--no-filters", {"action": "store_false"}, "map"),
    "heat_weight": ("--heat-weight", {"metavar": "FIELD"}, "map"),
    "risk_field": ("--risk-field", {"metavar": "FIELD"}, "risk layer"),
    "risk_classes": ("--risk-classes", {"type": int, "metavar": "K"}, "risk layer"),
    "risk_scheme": ("--risk-scheme", {"choices": list(RISK_SCHEMES)}, "risk layer"),
    "risk_cell_m": ("--risk-cell", {"type": positive, "metavar": "METRES"}, "risk layer"),
    "notice": ("--notice", {}, "map"),
    "source": ("--source", {}, "map"),
    "frame": ("--no-frame", {"action": "store_false"}, "map"),
    "basemap": ("--basemap", {"metavar": "FILE"}, "map"),
    "lang": ("--lang", {"choices": list(LANGUAGES)}, "map"),
}
_CLUSTER = {"auto": None, "on": True, "off": False}
#: Where the command line says it differently from the Python API (no `None` on a terminal).
_CLI_HELP = {
    "popup_fields": "fields shown on click, per layer, in order, e.g. incidents=id,date,killed "
    "(repeatable; default: the usual fields the layer has)",
    "tooltip_fields": "fields shown on hover, per layer, e.g. hazards=id,status (repeatable)",
    "tiles": "basemaps by xyzservices name, comma-separated, the first shown; 'none' for none",
    "controls": "map controls, comma-separated, any of search, fullscreen, measure, minimap, "
    "locate, scale, coordinates, image (save image); '' for none",
    "cluster": f"cluster incidents: auto (above {CLUSTER_THRESHOLD}), on or off",
    "risk_cell_m": "draw risk points as square cells of this side in metres (default: as dots)",
    "basemap": "your own basemap, a .pmtiles or .mbtiles file (e.g. made by geomap tiles), "
    f"shown first; embedded up to {BASEMAP_EMBED_MB} MB, else written beside the map",
}


def _cli_default(name: str, default: Any) -> Any:
    """Write a MapOptions default as the command line spells it."""
    if name in ("tiles", "controls"):
        return ",".join(default or ())
    if name == "cluster":
        return next(k for k, v in _CLUSTER.items() if v is default)
    if name in ("popup_fields", "tooltip_fields"):
        return []
    return default


def _add_map_options(p: argparse.ArgumentParser) -> None:
    add_input_options(p)
    add_context_options(p)
    groups: dict[str, Any] = {"risk layer": p.add_argument_group("risk layer")}
    groups["risk layer"].add_argument(
        "--risk",
        metavar="FILE",
        help="a risk layer: points or polygons with a numeric field (--risk-field), drawn "
        "in classes; any input format, with a mapping for `layer: risk`",
    )
    for opt in MapOptions.describe():
        if opt.name not in _FLAGS:
            continue  # simplify_m, canvas: Python API only
        flag, kwargs, group = _FLAGS[opt.name]
        g = groups.get(group) or groups.setdefault(group, p.add_argument_group(group))
        default = _cli_default(opt.name, opt.default)
        shown = "" if kwargs.get("action", "").startswith(("store_", "append")) else default
        help_ = _CLI_HELP.get(opt.name, opt.help)
        text = f"{help_} (default: {shown})" if shown not in ("", None) else help_
        if kwargs.get("action") == "store_false":
            text = f"leave out {opt.help.removeprefix('add ')}"
        g.add_argument(flag, dest=opt.name, default=default, help=text, **kwargs)


def _map_options(args: argparse.Namespace) -> MapOptions:
    """Build the MapOptions that the command's flags say."""
    tiles = [t.strip() for t in args.tiles.split(",") if t.strip()]
    values = {name: getattr(args, name) for name in _FLAGS}
    values.update(
        popup_fields=_field_lists(args.popup_fields, "--popup-fields"),
        tooltip_fields=_field_lists(args.tooltip_fields, "--tooltip-fields"),
        tiles=None if tiles in ([], ["none"]) else tiles,
        controls=[c.strip() for c in args.controls.split(",") if c.strip()],
        cluster=_CLUSTER[args.cluster],
    )
    return MapOptions(**values)


def _field_lists(items: Sequence[str], option: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        layer, sep, names = item.partition("=")
        if not sep or layer not in ("incidents", "hazards"):
            raise GeomapError(f"{option} {item!r}: expected incidents=F1,F2 or hazards=F1,F2")
        out[layer] = [n.strip() for n in names.split(",") if n.strip()]
    return out


def _rejects_path(args: argparse.Namespace) -> str | None:
    """Where rejected rows go: ``--rejects``, else beside the output (never for a public run)."""
    if args.rejects or args.public:
        return args.rejects
    output = Path(args.output)
    return str(output.with_name(output.stem + "-rejects.csv"))


def _rejects_named(args: argparse.Namespace) -> str | None:
    """Name the rejects file as the map shows it: its name alone when it lies beside the map."""
    path = _rejects_path(args)
    if path and Path(path).resolve().parent == Path(args.output).resolve().parent:
        return Path(path).name
    return path


def _write_rejects(args: argparse.Namespace, results: list[ValidationResult]) -> None:
    """Write the rejected rows (a public run: only where --rejects says, called private)."""
    path = _rejects_path(args)
    if path:
        n = rejects(args, results, path)
        if n and args.public:
            say(args, [f"{path} holds the rejected rows in full: it is NOT public"])
        return
    n = sum(len(r.rejected) for r in results)
    if n:
        say(
            args,
            [
                f"{n} rejected rows not written (a public run writes only the map; "
                "name a private file with --rejects to keep them)"
            ],
        )


def _build_map(args: argparse.Namespace) -> tuple[GeomapMap, dict[str, ValidationResult]]:
    outputs = {"-o/--output": args.output}
    if _rejects_path(args):
        outputs["--rejects"] = _rejects_path(args)
    check_outputs(args, outputs)
    options = _map_options(args)  # a bad option fails here, before anything is written
    options = MapOptions.build(options, rejects_file=_rejects_named(args))
    results = load(args)
    if args.risk:
        results["risk"] = load_risk(
            args.risk,
            args.risk_field,
            mappings=args.mapping,
            strict=args.strict,
            engine=args.engine,
            crs=args.crs,
            encoding=args.encoding,
        )
        say(args, results["risk"].summary())
    _write_rejects(args, list(results.values()))
    with progress_step("drawing the map"):
        m = _render(args, results, options)
    return m, results


def _render(args: argparse.Namespace, results: dict[str, Any], options: MapOptions) -> GeomapMap:
    return render_map(
        results.get("incidents"),
        results.get("hazards"),
        districts=context(args, "districts"),
        places=context(args, "towns"),
        roads=context(args, "roads"),
        risk=results.get("risk"),
        options=options,
    )


def run_render(args: argparse.Namespace) -> int:
    """Write the map file."""
    m, results = _build_map(args)
    with writing(args.output), progress_step(f"writing {Path(args.output).name}"):
        output = save_map(m, args.output)
    drawn = ", ".join(f"{len(r.kept)} {k}" for k, r in results.items())
    mode = "links scripts from CDNs" if args.cdn else "self-contained, works offline"
    public = "; public: generalised, small counts suppressed" if args.public else ""
    if args.public and not PublicPolicy(args.generalise, args.cell_m, args.k, True).safe:
        public = "; public, but cells or k below the safe minimum: NOT safe to publish"
    size = output.stat().st_size / 1e6
    say(args, [f"wrote {output} ({drawn}; {size:.2f} MB; {mode}{public})", *_beside(m, output)])
    return EXIT_OK


def _beside(m: GeomapMap, output: Path) -> list[str]:
    """Write the basemap beside the map if it is not embedded; return the line that says so."""
    beside = save_basemap(m, output)
    if beside is None:
        return []
    return [
        f"basemap {beside} is beside the map (over {BASEMAP_EMBED_MB} MB, not embedded): "
        "keep the two files together; the map asks for it with 'Open basemap file…'"
    ]


def run_embed(args: argparse.Namespace) -> int:
    """Write the embed snippet."""
    m, _ = _build_map(args)
    snippet = embed_html(m, args.embed_kind, height=args.height, title=args.title)
    output = Path(args.output)
    with writing(output), atomic_path(output) as tmp:
        tmp.write_text(snippet, encoding="utf-8")
    size = output.stat().st_size / 1e6
    beside = _beside(m, output)
    say(
        args,
        [f"wrote {output} ({args.embed_kind} snippet; {size:.2f} MB; self-contained)", *beside],
    )
    return EXIT_OK


COMMANDS = (
    Command(
        "render",
        help="draw incidents and hazard areas into one HTML map",
        description="Read, check and draw layers into a self-contained HTML map "
        "that works offline.",
        options=_render_options,
        run=run_render,
    ),
    Command(
        "embed",
        help="make an HTML snippet that embeds the map in a web page",
        description="Like render, but write an <iframe> (sandboxed, default) or an HTML "
        "fragment for the host page's body. Both are self-contained and as wide as their "
        "container.",
        options=_embed_options,
        run=run_embed,
    ),
)

"""The ``geomap`` command: a thin shell over the Python API.

Exit status: 0 on success; 2 for a user error (a file that cannot be read, a bad
option, and for ``validate`` any rejected row); 1 for an unexpected failure.
User errors print one line each, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geomap._errors import GeomapError
from geomap.embed import embed_html
from geomap.io import atomic_path, read_context_layer, write_layer
from geomap.load import load_layers
from geomap.render import (
    CLUSTER_THRESHOLD,
    DEFAULT_BASEMAPS,
    DEFAULT_CONTROLS,
    GeomapMap,
    render_map,
    save_map,
)
from geomap.validate import ValidationResult

log = logging.getLogger("geomap")

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _add_input_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("input")
    g.add_argument(
        "--kind", choices=["incidents", "hazards"], help="treat every FILE as this layer"
    )
    g.add_argument("--layer", help="layer to read from a GeoPackage or KML with several")
    g.add_argument(
        "--mapping",
        action="append",
        default=[],
        metavar="FILE",
        help="column mapping (YAML or TOML) from your fields and codes to geomap's; repeatable",
    )
    g.add_argument(
        "--crs", help="CRS of input that declares none (default: EPSG:4326, with a warning)"
    )
    g.add_argument("--lat", dest="latitude", help="CSV latitude column, if not a usual name")
    g.add_argument("--lon", dest="longitude", help="CSV longitude column, if not a usual name")
    g.add_argument("--wkt", help="CSV column with WKT geometry")
    g.add_argument(
        "--engine", choices=["pyogrio", "fiona"], help="file engine (geopandas' default)"
    )
    g.add_argument("--rejects", metavar="FILE", help="where to write rejected rows (.csv or .gpkg)")


def _parser() -> argparse.ArgumentParser:
    from geomap import __version__

    parser = argparse.ArgumentParser(
        prog="geomap",
        description="Check and map landmine/ERW incidents and hazard areas.",
    )
    parser.add_argument("--version", action="version", version=f"geomap {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    # The same options after the command name (`geomap render -q ...`).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    v = sub.add_parser(
        "validate",
        parents=[common],
        help="check files; print a summary per file; write rejected rows with reasons",
        description="Check files and report, per file, rows read = kept + rejected. "
        "Rejected rows go to --rejects (default geomap-rejects.csv). Exit 2 if any row "
        "is rejected or a file cannot be read.",
    )
    v.add_argument("files", nargs="+", metavar="FILE")
    _add_input_options(v)

    r = sub.add_parser(
        "render",
        parents=[common],
        help="draw incidents and hazard areas into one HTML map",
        description="Read, check and draw layers into a self-contained HTML map "
        "that works offline.",
    )
    _add_map_options(r)
    r.add_argument("-o", "--output", default="geomap-map.html", help="HTML file to write")

    e = sub.add_parser(
        "embed",
        parents=[common],
        help="make an HTML snippet that embeds the map in a web page",
        description="Like render, but write an <iframe> (sandboxed, default) or an HTML fragment "
        "for the host page's body. Both are self-contained and as wide as their container.",
    )
    _add_map_options(e)
    e.add_argument(
        "--as",
        dest="embed_kind",
        choices=["iframe", "fragment"],
        default="iframe",
        help="iframe (sandboxed srcdoc) or fragment (a <div> and its scripts)",
    )
    e.add_argument("--height", default="480px", help="map height as a CSS length (default 480px)")
    e.add_argument("-o", "--output", default="geomap-embed.html", help="snippet file to write")

    from geomap._cli_analysis import add_commands

    add_commands(sub, [common])
    return parser


def _add_map_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "files", nargs="*", metavar="FILE", help="input files (layers found by name or geometry)"
    )
    p.add_argument("--incidents", action="append", default=[], metavar="FILE", help="incident file")
    p.add_argument(
        "--hazards", action="append", default=[], metavar="FILE", help="hazard-area file"
    )
    g = p.add_argument_group("map")
    g.add_argument("--title", default="Explosive ordnance contamination", help="map title")
    g.add_argument("--subtitle", help="second line under the title, e.g. the data source")
    g.add_argument(
        "--popup-fields",
        action="append",
        default=[],
        metavar="LAYER=F1,F2",
        help="fields shown on click, e.g. incidents=id,date,killed",
    )
    g.add_argument(
        "--tooltip-fields",
        action="append",
        default=[],
        metavar="LAYER=F1,F2",
        help="fields shown on hover",
    )
    g.add_argument(
        "--tiles",
        default=",".join(DEFAULT_BASEMAPS),
        help="basemaps by xyzservices name, comma-separated, first shown; or 'none'",
    )
    g.add_argument(
        "--controls",
        default=",".join(DEFAULT_CONTROLS),
        help=f"comma-separated, any of {','.join(DEFAULT_CONTROLS)}; '' for none",
    )
    g.add_argument(
        "--cluster",
        choices=["auto", "on", "off"],
        default="auto",
        help=f"cluster incidents (auto: above {CLUSTER_THRESHOLD})",
    )
    g.add_argument("--no-heatmap", action="store_true", help="leave out the heat map layer")
    g.add_argument(
        "--no-time-slider", action="store_true", help="leave out the time slider and summary"
    )
    g.add_argument("--districts", metavar="FILE", help="district boundaries for the choropleths")
    g.add_argument(
        "--towns", "--places", dest="places", metavar="FILE", help="towns and villages (points)"
    )
    g.add_argument("--roads", metavar="FILE", help="roads (lines)")
    g.add_argument(
        "--no-context",
        action="store_true",
        help="do not take districts/towns/roads layers from an input GeoPackage",
    )
    g.add_argument(
        "--cdn", action="store_true", help="link scripts from CDNs instead of inlining them"
    )
    g.add_argument("--strict", action="store_true", help="fail if any row is rejected")
    pub = p.add_argument_group("publishing safely")
    pub.add_argument(
        "--public",
        action="store_true",
        help="allow-listed fields only, incidents generalised, small counts suppressed",
    )
    pub.add_argument(
        "--generalise",
        choices=["grid", "hex", "district"],
        default="grid",
        help="how public incident locations are generalised (default grid)",
    )
    pub.add_argument(
        "--cell",
        type=float,
        default=2000.0,
        metavar="METRES",
        help="public grid cell side or hexagon radius in metres (default 2000)",
    )
    pub.add_argument("-k", type=int, default=3, help="suppress public counts below k (default 3)")
    _add_input_options(p)


def _field_lists(items: Sequence[str], option: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        layer, sep, names = item.partition("=")
        if not sep or layer not in ("incidents", "hazards"):
            raise GeomapError(f"{option} {item!r}: expected incidents=F1,F2 or hazards=F1,F2")
        out[layer] = [n.strip() for n in names.split(",") if n.strip()]
    return out


def _write_rejects(results: Sequence[ValidationResult], path: Path) -> int:
    frames = [r.rejected.assign(layer=r.layer) for r in results if len(r.rejected)]
    if not frames:
        return 0
    table = pd.concat(frames, ignore_index=True)
    write_layer(table, path)
    return len(table)


def _load_options(args: argparse.Namespace) -> dict[str, object]:
    return {
        "layer": args.layer,
        "mappings": args.mapping,
        "engine": args.engine,
        "crs": args.crs,
        "latitude": args.latitude,
        "longitude": args.longitude,
        "wkt": args.wkt,
    }


def _report(args: argparse.Namespace, lines: Sequence[str]) -> None:
    """Print result lines; with --quiet, only the errors among them."""
    for line in lines:
        if not getattr(args, "quiet", False) or ": error: " in line:
            print(line)


def _cmd_validate(args: argparse.Namespace) -> int:
    status = EXIT_OK
    results: list[ValidationResult] = []
    for f in args.files:
        try:
            found = load_layers([f], kind=args.kind, **_load_options(args))  # type: ignore[arg-type]
        except GeomapError as exc:
            print(f"geomap: error: {exc}", file=sys.stderr)
            status = EXIT_USAGE
            continue
        for res in found.values():
            _report(args, res.summary())
            results.append(res)
            if len(res.rejected):
                status = EXIT_USAGE
    rejects = Path(args.rejects or "geomap-rejects.csv")
    n = _write_rejects(results, rejects)
    if n:
        _report(args, [f"{n} rejected rows, with their reasons, written to {rejects}"])
    return status


def _context(args: argparse.Namespace, name: str, option: str | None) -> gpd.GeoDataFrame | None:
    """Read a context layer: the file given, else a same-named layer of an input GeoPackage."""
    if option:
        return read_context_layer(option, name)
    if args.no_context:
        return None
    for f in [*args.files, *args.incidents, *args.hazards]:
        if str(f).lower().endswith(".gpkg"):
            found = read_context_layer(f, name, only_named=True)
            if found is not None:
                log.info("%s: using its %r layer", f, name)
                return found
    return None


def _load_inputs(args: argparse.Namespace) -> dict[str, ValidationResult]:
    """Read and check the command's input files; print their summaries."""
    if not (args.files or args.incidents or args.hazards):
        raise GeomapError(f"{args.command}: give input files (FILE..., --incidents or --hazards)")
    opts = _load_options(args)
    results: dict[str, ValidationResult] = {}
    groups = [(args.files, args.kind), (args.incidents, "incidents"), (args.hazards, "hazards")]
    for files, kind in groups:
        if not files:
            continue
        found = load_layers(files, kind=kind, strict=args.strict, **opts)  # type: ignore[arg-type]
        for k, res in found.items():
            if k in results:
                raise GeomapError(
                    f"{k} were given twice (positional files and --{k}); give them once"
                )
            results[k] = res
    for res in results.values():
        _report(args, res.summary())
    return results


def _build_map(args: argparse.Namespace) -> tuple[GeomapMap, dict[str, ValidationResult], Path]:
    results = _load_inputs(args)
    output = Path(args.output)
    rejects = Path(args.rejects) if args.rejects else output.with_name(output.stem + "-rejects.csv")
    n = _write_rejects(list(results.values()), rejects)
    if n:
        _report(args, [f"{n} rejected rows, with their reasons, written to {rejects}"])
    tiles = [t.strip() for t in args.tiles.split(",") if t.strip()]
    m = render_map(
        results.get("incidents"),
        results.get("hazards"),
        districts=_context(args, "districts", args.districts),
        places=_context(args, "towns", args.places),
        roads=_context(args, "roads", args.roads),
        title=args.title,
        subtitle=args.subtitle,
        popup_fields=_field_lists(args.popup_fields, "--popup-fields"),
        tooltip_fields=_field_lists(args.tooltip_fields, "--tooltip-fields"),
        tiles=None if tiles in ([], ["none"]) else tiles,
        controls=[c.strip() for c in args.controls.split(",") if c.strip()],
        cluster={"auto": None, "on": True, "off": False}[args.cluster],
        heatmap=not args.no_heatmap,
        time_slider=not args.no_time_slider,
        public=args.public,
        generalise=args.generalise,
        cell_m=args.cell,
        k=args.k,
        cdn=args.cdn,
    )
    return m, results, output


def _cmd_render(args: argparse.Namespace) -> int:
    m, results, output = _build_map(args)
    save_map(m, output)
    drawn = ", ".join(f"{len(r.kept)} {k}" for k, r in results.items())
    mode = "links scripts from CDNs" if args.cdn else "self-contained, works offline"
    public = "; public: generalised, small counts suppressed" if args.public else ""
    size = output.stat().st_size / 1e6
    _report(args, [f"wrote {output} ({drawn}; {size:.2f} MB; {mode}{public})"])
    return EXIT_OK


def _cmd_embed(args: argparse.Namespace) -> int:
    m, _, output = _build_map(args)
    snippet = embed_html(m, args.embed_kind, height=args.height, title=args.title)
    with atomic_path(output) as tmp:
        tmp.write_text(snippet, encoding="utf-8")
    size = output.stat().st_size / 1e6
    _report(args, [f"wrote {output} ({args.embed_kind} snippet; {size:.2f} MB; self-contained)"])
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geomap`` command line.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status.
    """
    args = _parser().parse_args(argv)
    level = (
        logging.ERROR
        if args.quiet
        else [logging.ERROR, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    )
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        if hasattr(args, "func"):
            return int(args.func(args))
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "embed":
            return _cmd_embed(args)
        return _cmd_render(args)
    except GeomapError as exc:
        print(f"geomap: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # e.g. the output folder is not writable
        print(f"geomap: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

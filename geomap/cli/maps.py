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
from geomap.cli._common import (
    EXIT_OK,
    add_context_options,
    add_input_options,
    context,
    load,
    rejects,
    say,
)
from geomap.io import atomic_path
from geomap.map import (
    CLUSTER_THRESHOLD,
    DEFAULT_BASEMAPS,
    DEFAULT_CONTROLS,
    GeomapMap,
    embed_html,
    render_map,
    save_map,
)
from geomap.validate import ValidationResult


def add_commands(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    """Add ``render`` and ``embed`` to the ``geomap`` parser."""
    r = sub.add_parser(
        "render",
        parents=parents,
        help="draw incidents and hazard areas into one HTML map",
        description="Read, check and draw layers into a self-contained HTML map "
        "that works offline.",
    )
    _add_map_options(r)
    r.add_argument("-o", "--output", default="geomap-map.html", help="HTML file to write")
    r.set_defaults(func=run_render)

    e = sub.add_parser(
        "embed",
        parents=parents,
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
    e.set_defaults(func=run_embed)


def _add_map_options(p: argparse.ArgumentParser) -> None:
    add_input_options(p)
    add_context_options(p)
    g = p.add_argument_group("map")
    g.add_argument("--title", default="Explosive ordnance contamination", help="map title")
    g.add_argument("--subtitle", help="second line under the title, e.g. the data source")
    for name, what in (
        ("popup", "on click, e.g. incidents=id,date,killed"),
        ("tooltip", "on hover"),
    ):
        g.add_argument(
            f"--{name}-fields",
            action="append",
            default=[],
            metavar="LAYER=F1,F2",
            help=f"fields shown {what}",
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
    g.add_argument(
        "--cdn", action="store_true", help="link scripts from CDNs instead of inlining them"
    )
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


def _field_lists(items: Sequence[str], option: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        layer, sep, names = item.partition("=")
        if not sep or layer not in ("incidents", "hazards"):
            raise GeomapError(f"{option} {item!r}: expected incidents=F1,F2 or hazards=F1,F2")
        out[layer] = [n.strip() for n in names.split(",") if n.strip()]
    return out


def _write_rejects(args: argparse.Namespace, results: list[ValidationResult]) -> None:
    """Write the rejected rows (a public run: only where --rejects says, called private)."""
    if not args.public:
        output = Path(args.output)
        rejects(args, results, args.rejects or str(output.with_name(output.stem + "-rejects.csv")))
        return
    if args.rejects:
        n = rejects(args, results, args.rejects)
        if n:
            say(args, [f"{args.rejects} holds the rejected rows in full: it is NOT public"])
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
    results = load(args)
    _write_rejects(args, list(results.values()))
    tiles = [t.strip() for t in args.tiles.split(",") if t.strip()]
    m = render_map(
        results.get("incidents"),
        results.get("hazards"),
        districts=context(args, "districts"),
        places=context(args, "towns"),
        roads=context(args, "roads"),
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
    return m, results


def run_render(args: argparse.Namespace) -> int:
    """Write the map file."""
    m, results = _build_map(args)
    output = save_map(m, args.output)
    drawn = ", ".join(f"{len(r.kept)} {k}" for k, r in results.items())
    mode = "links scripts from CDNs" if args.cdn else "self-contained, works offline"
    public = "; public: generalised, small counts suppressed" if args.public else ""
    size = output.stat().st_size / 1e6
    say(args, [f"wrote {output} ({drawn}; {size:.2f} MB; {mode}{public})"])
    return EXIT_OK


def run_embed(args: argparse.Namespace) -> int:
    """Write the embed snippet."""
    m, _ = _build_map(args)
    snippet = embed_html(m, args.embed_kind, height=args.height, title=args.title)
    output = Path(args.output)
    with atomic_path(output) as tmp:
        tmp.write_text(snippet, encoding="utf-8")
    size = output.stat().st_size / 1e6
    say(args, [f"wrote {output} ({args.embed_kind} snippet; {size:.2f} MB; self-contained)"])
    return EXIT_OK

"""The ``gzgeo`` command line: list and validate layers, query, export, convert coordinates.

Exit codes: 0 success; 1 failure or invalid data (``validate`` found
problems, an unknown zone, an unreadable file); 2 usage error (argparse, or
an option value the command rejects, such as a negative ``--within``).

Examples
--------
>>> build_parser().prog
'gzgeo'
>>> main(["export", "--help"])  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
SystemExit: 0
"""

from __future__ import annotations

import argparse
import csv
import json
import signal
import sys
import threading
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ._io import atomic_path, same_file
from .formats import EXPORT_FORMATS

__all__ = ["build_parser", "main", "progress"]

#: Largest corridor half-width accepted by ``query near-axis`` (metres): the whole city is within 100 km.
MAX_WITHIN_M = 100_000.0


class CliError(Exception):
    """A failure to report in one line and exit with status 1."""


class UsageError(Exception):
    """An invalid combination or value of command-line arguments: reported with the usage, exit status 2."""


@contextmanager
def progress(total: int, description: str, enabled: bool = True) -> Iterator:
    """A progress bar on stderr (tqdm), yielding an object with ``update(n)``.

    Examples
    --------
    >>> with progress(2, "demo", enabled=False) as bar:
    ...     bar.update(2)
    """
    from tqdm import tqdm

    bar = tqdm(total=total, desc=description, unit="step", file=sys.stderr, disable=not enabled, leave=False)
    try:
        yield bar
    finally:
        bar.close()


def _print_table(frame: pd.DataFrame, columns: Sequence[str], fmt: str) -> None:
    frame = frame[[c for c in columns if c in frame.columns]]
    if fmt == "csv":
        sys.stdout.write(frame.to_csv(index=False))
    elif fmt == "json":
        records = frame.to_dict(orient="records")
        sys.stdout.write(json.dumps(records, ensure_ascii=False, indent=1, default=str) + "\n")
    else:
        with pd.option_context(
            "display.max_rows", None, "display.max_columns", None, "display.width", 200, "display.max_colwidth", 60
        ):
            print(frame.to_string(index=False))


def _cmd_layers(args: argparse.Namespace) -> int:
    from .layers import layers

    table = layers().reset_index()
    _print_table(table, ["name", "geometry", "path", "description"], args.format)
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .validate import validate

    report = validate()
    for name, count in report.checked.items():
        print(f"{name}: {count} rows checked")
    if report.ok:
        print("OK: no problems found")
        return 0
    problems = report.to_frame()
    print(f"{len(problems)} problem(s):", file=sys.stderr)
    _print_table(problems, ["layer", "check", "feature", "message"], args.format)
    return 1


_QUERY_COLUMNS = ["id", "name_zh", "name_en", "category", "district", "location_precision"]


def _cmd_near_axis(args: argparse.Namespace) -> int:
    from .analysis import along_axis
    from .export import select_platforms
    from .selection import split_located

    if not 0 <= args.within <= MAX_WITHIN_M:  # NaN fails both comparisons
        raise UsageError(f"--within must be a number of metres from 0 to {MAX_WITHIN_M:g}, not {args.within}")
    selection = select_platforms(category=args.category, district=args.district, zone=args.zone)
    # A platform known only to its district has no location: it is left out, and the count says so.
    located_rows, not_located = split_located(selection)
    if not_located and not len(located_rows):
        near = selection.iloc[:0].assign(dist_m=[], chainage_m=[], side=[])
    else:
        near = along_axis(located_rows, max_dist_m=args.within)
    near = near.assign(dist_m=near["dist_m"].round(1), chainage_m=near["chainage_m"].round(1))
    _print_table(near, ["id", "name_zh", "category", "dist_m", "chainage_m", "side", "location_precision"], args.format)
    note = f"; {not_located} known only to their district are not shown" if not_located else ""
    print(f"{len(near)} located platform(s) within {args.within:g} m of the axis{note}", file=sys.stderr)
    return 0


def _cmd_in_zone(args: argparse.Namespace) -> int:
    from .export import resolve_zone, select_platforms

    zone = resolve_zone(args.zone_key)
    inside = select_platforms(category=args.category, district=args.district, zone=zone["id"])
    _print_table(inside, _QUERY_COLUMNS, args.format)
    print(f"{len(inside)} platform(s) in {zone['name_zh']} ({zone['id']})", file=sys.stderr)
    # Platforms known only to their district are never placed inside a zone; say how many could be.
    districts = [d for d in str(zone.get("districts", "")).split("|") if d]
    maybe = select_platforms(category=args.category, district=districts or None)
    maybe = maybe[maybe["location_precision"] == "district"]
    if len(maybe):
        print(
            f"{len(maybe)} more known only to {'、'.join(districts)} may also lie in it (not listed; "
            "their location is not known)",
            file=sys.stderr,
        )
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .export import export_bytes, select_platforms

    if args.format == "png":
        from .cartography import DEFAULT_DPI, MAX_DPI

        if args.dpi < DEFAULT_DPI:
            raise UsageError(f"--dpi must be ≥ {DEFAULT_DPI} so the PNG is at least 1920×1080")
        if args.dpi > MAX_DPI:
            raise UsageError(f"--dpi must be ≤ {MAX_DPI} (7680×4320 pixels)")
    output = Path(args.output)
    if output.is_dir():
        raise CliError(f"{output} is a directory; give a file path with -o")
    if not output.parent.exists():
        raise CliError(f"folder {output.parent} does not exist")
    steps = 3
    with progress(steps, f"export {args.format}", enabled=not args.quiet) as bar:
        filtered = any((args.category, args.district, args.zone))
        platforms = (
            select_platforms(category=args.category, district=args.district, zone=args.zone) if filtered else None
        )
        bar.update(1)
        options: dict[str, object] = {}
        if args.format in ("png", "svg", "pdf"):
            options.update(preset=args.preset, dpi=args.dpi)
            if args.preset == "zone":
                if not args.map_zone and not args.zone:
                    raise UsageError("--preset zone needs --map-zone (or --zone) naming the zone to draw")
                options["zone"] = args.map_zone or args.zone[0]
            if args.title:
                options["title"] = args.title
            if args.review_number:
                options["review_number"] = args.review_number
            if args.basemap:
                options["basemap"] = args.basemap
        elif args.format == "pptx":
            if args.title:
                options["title"] = args.title
            if args.review_number:
                options["review_number"] = args.review_number
            options.update(_deck_options(args), workers=2)  # maps drawn in two forked processes (Linux)
        elif args.format == "csv":
            options["gcj02"] = args.gcj02
        elif args.format == "geojson":
            options["layer"] = args.layer
        data, _name, _mime = export_bytes(args.format, platforms=platforms, **options)
        bar.update(1)
        with atomic_path(output) as tmp:
            tmp.write_bytes(data)
        bar.update(1)
    count = "all" if platforms is None else str(len(platforms))
    print(f"wrote {output} ({len(data):,} bytes, {args.format}, {count} platforms)", file=sys.stderr)
    return 0


def _deck_options(args: argparse.Namespace) -> dict[str, object]:
    """``--slides`` and ``--template`` of ``export pptx``, checked before any map is drawn."""
    from .deck import parse_slides

    options: dict[str, object] = {}
    if args.slides:
        try:
            options["slides"] = parse_slides(args.slides)
        except ValueError as error:  # an unknown zone (UnknownZoneError) is reported by main()
            raise UsageError(str(error)) from error
    if args.template:
        template = Path(args.template)
        if not template.is_file():
            raise CliError(f"template {template} does not exist")
        options["template"] = template
    return options


def _cmd_convert(args: argparse.Namespace) -> int:
    from .crs import convert, valid_lonlat

    source, target = Path(args.input), Path(args.output)
    if args.lon_col == args.lat_col:
        raise UsageError(f"--lon-col and --lat-col are both {args.lon_col!r}; name two different columns")
    if not source.exists():
        raise CliError(f"input file {source} does not exist")
    if same_file(source, target) or source.resolve() == target.resolve():
        raise UsageError(f"output {target} is the input file; write to a new file (the input is never overwritten)")
    try:
        with open(source, encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
        with warnings.catch_warnings():
            # A row with more fields than the header would otherwise lose them silently (or become an index).
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig", index_col=False)
    except UnicodeDecodeError as error:
        raise CliError(
            f"{source} is not UTF-8 ({error.reason} at byte {error.start}); re-save it as UTF-8, "
            "e.g. iconv -f GBK -t UTF-8"
        ) from error
    except (pd.errors.ParserError, pd.errors.ParserWarning, pd.errors.EmptyDataError, csv.Error) as error:
        raise CliError(f"{source} is not a readable CSV: {error}") from error
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:  # pandas would silently rename the second one "lon.1"
        raise CliError(f"column(s) {', '.join(repeated)} appear more than once in the header of {source}")
    missing = [c for c in (args.lon_col, args.lat_col) if c not in table.columns]
    if missing:
        raise CliError(
            f"column(s) {', '.join(missing)} not in {source}; columns are: {', '.join(table.columns)} "
            "(choose with --lon-col/--lat-col)"
        )
    lon = pd.to_numeric(table[args.lon_col].replace("", None), errors="coerce")
    lat = pd.to_numeric(table[args.lat_col].replace("", None), errors="coerce")
    bad = (lon.isna() & (table[args.lon_col] != "")) | (lat.isna() & (table[args.lat_col] != ""))
    if bad.any():
        rows = ", ".join(str(i + 2) for i in bad[bad].index[:5])  # +2: header line, 1-based
        raise CliError(f"non-numeric coordinates on line(s) {rows} of {source}")
    half = lon.isna() != lat.isna()
    if half.any():
        rows = ", ".join(str(i + 2) for i in half[half].index[:5])
        raise CliError(f"only one of {args.lon_col}/{args.lat_col} is given on line(s) {rows} of {source}")
    # inf, 1e400 and out-of-range values parse as numbers but are no coordinates.
    present = ~(lon.isna() | lat.isna())
    off = present & ~valid_lonlat(lon, lat)
    if off.any():
        rows = ", ".join(str(i + 2) for i in off[off].index[:5])
        raise CliError(
            f"coordinates not finite or out of range (lon -180..180, lat -90..90) on line(s) {rows} of {source}"
        )
    chunk = 50_000
    out_lon = lon.to_numpy(dtype=float).copy()
    out_lat = lat.to_numpy(dtype=float).copy()
    with progress(
        max(len(table), 1), f"convert {args.src}→{args.dst}", enabled=not args.quiet and len(table) > chunk
    ) as bar:
        for start in range(0, len(table), chunk):
            part = slice(start, start + chunk)
            out_lon[part], out_lat[part] = convert(out_lon[part], out_lat[part], args.src, args.dst)
            bar.update(min(chunk, len(table) - start))
    keep = ~(lon.isna() | lat.isna()).to_numpy()
    table.loc[keep, args.lon_col] = [f"{v:.7f}" for v in out_lon[keep]]
    table.loc[keep, args.lat_col] = [f"{v:.7f}" for v in out_lat[keep]]
    with atomic_path(target) as tmp:  # an interrupted run leaves no partial CSV that looks complete
        table.to_csv(tmp, index=False, encoding="utf-8-sig")  # with a BOM, so Excel shows the Chinese text
    blank = f"; {int((~keep).sum())} without coordinates left as they are" if (~keep).any() else ""
    print(f"converted {int(keep.sum())} row(s) {args.src} → {args.dst}: {target}{blank}", file=sys.stderr)
    return 0


def _add_output_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format", choices=("table", "csv", "json"), default="table", help="how results are printed (default: table)"
    )


def _add_filters(parser: argparse.ArgumentParser, zone: bool = True) -> None:
    group = parser.add_argument_group("platform filters (repeatable; values within one option are OR-ed)")
    group.add_argument(
        "--category",
        action="append",
        metavar="ID_OR_NAME",
        help="category id or its Chinese/English name (data/categories.csv)",
    )
    group.add_argument("--district", action="append", metavar="NAME", help="district, e.g. 黄埔区 or Huangpu")
    if zone:
        group.add_argument(
            "--zone", action="append", metavar="ID_OR_NAME", help="zone id or Chinese/English name, e.g. 南沙科学城"
        )


def _cmd_app(args: argparse.Namespace) -> int:
    from .serve import run_app

    extra = [a for a in args.streamlit_args if a != "--"]
    try:
        return run_app(args.address, args.port, warm=not args.no_warm, extra=extra)
    except FileNotFoundError as error:
        raise CliError(str(error)) from error


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``gzgeo`` command (layers, validate, query, export, convert, app, ...)."""
    from .crs import DATUMS

    parser = argparse.ArgumentParser(
        prog="gzgeo",
        description="Guangzhou science-and-technology innovation layout: layers, validation, queries, exports.",
        epilog="Exit codes: 0 ok, 1 failure or invalid data, 2 usage error. Data: WGS-84 (EPSG:4326); "
        "distances in metres (EPSG:4547).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("layers", help="list the data layers", description="List the layers gzgeo.load() knows.")
    _add_output_format(p)
    p.set_defaults(func=_cmd_layers, parser=p)

    p = sub.add_parser(
        "validate",
        help="check every layer; exit 1 if any problem",
        description="Run gzgeo.validate(): schema, geometry, bounds, ids, provenance. Exit 1 on any problem.",
    )
    _add_output_format(p)
    p.set_defaults(func=_cmd_validate, parser=p)

    p = sub.add_parser(
        "query", help="spatial queries (near-axis, in-zone)", description="Spatial queries over the platforms."
    )
    qsub = p.add_subparsers(dest="query", required=True, metavar="QUERY")
    q = qsub.add_parser(
        "near-axis",
        help="platforms near the 创新大道 axis",
        description="Platforms within --within metres of the 创新大道 axis, ordered along it "
        "(dist_m: distance to the axis; chainage_m: metres along it from 知识城).",
    )
    q.add_argument(
        "--within", type=float, default=2000.0, metavar="METRES", help="corridor half-width in metres (default 2000)"
    )
    _add_filters(q)
    _add_output_format(q)
    q.set_defaults(func=_cmd_near_axis, parser=q)
    q = qsub.add_parser(
        "in-zone",
        help="platforms inside a zone",
        description="Platforms inside a 一区三城 zone or zone part (point in polygon, or anchored to it).",
    )
    q.add_argument("zone_key", metavar="ZONE", help="zone id, name_zh or name_en, e.g. 南沙科学城")
    _add_filters(q, zone=False)
    _add_output_format(q)
    q.set_defaults(func=_cmd_in_zone, parser=q)

    p = sub.add_parser(
        "export",
        help="write a map, deck, HTML or data file",
        description="Export maps (png/svg/pdf), the briefing deck (pptx), the standalone "
        "interactive map (html) or data (gpkg/geojson/csv) of all or filtered platforms.",
    )
    p.add_argument("format", choices=list(EXPORT_FORMATS), help="output format")
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="output file")
    _add_filters(p)
    maps = p.add_argument_group("maps (png/svg/pdf) and deck (pptx)")
    maps.add_argument(
        "--preset",
        default="overview",
        choices=("overview", "huangpu_123", "zone", "density", "axis", "plan_stages"),
        help="map preset (plan_stages: one panel per plan, 2018 → 2025)",
    )
    maps.add_argument("--map-zone", metavar="ID_OR_NAME", help="zone drawn by --preset zone")
    maps.add_argument("--title", help="map or deck title")
    maps.add_argument("--review-number", metavar="TEXT", help="审图号 (map-review number) printed on maps")
    maps.add_argument("--dpi", type=int, default=120, help="PNG resolution (≥120 = 1920×1080; default 120)")
    maps.add_argument("--basemap", metavar="URL", help="optional tile URL template with {z}/{x}/{y}")
    maps.add_argument(
        "--slides",
        metavar="LIST",
        help="pptx: slides in order, e.g. overview,huangpu_123,zone:南沙科学城,sources "
        "(title, overview, huangpu_123, density, axis, zones, zone:ID_OR_NAME, statistics, "
        "targets, plan_stages, plan_changes, sources; default all)",
    )
    maps.add_argument("--template", metavar="FILE.potx", help="pptx: use this template's slide master")
    data = p.add_argument_group("data (csv/geojson)")
    data.add_argument("--gcj02", action="store_true", help="csv: add lon_gcj02/lat_gcj02 columns")
    data.add_argument("--layer", default="platforms", help="geojson: spatial layer to write (default platforms)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_export, parser=p)

    p = sub.add_parser(
        "convert",
        help="convert CSV coordinates between WGS-84, GCJ-02 and BD-09",
        description="Rewrite the lon/lat columns of a UTF-8 CSV from one datum to another "
        "(other columns are kept as they are).",
    )
    p.add_argument("--from", dest="src", required=True, choices=DATUMS, help="datum of the input")
    p.add_argument("--to", dest="dst", required=True, choices=DATUMS, help="datum of the output")
    p.add_argument("--lon-col", default="lon", help="longitude column (default lon)")
    p.add_argument("--lat-col", default="lat", help="latitude column (default lat)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("input", help="input CSV")
    p.add_argument("output", help="output CSV")
    p.set_defaults(func=_cmd_convert, parser=p)

    p = sub.add_parser(
        "app",
        help="start the Streamlit app (warmed for its first visitor)",
        description="Serve app.py of this checkout with Streamlit until Ctrl-C. Once the server answers, the app "
        "runs once (Streamlit's script health check), so the first planner to open it gets a warm server. "
        "Further Streamlit options after --, e.g. -- --server.baseUrlPath gzgeo.",
    )
    p.add_argument("--address", default="localhost", help="address to listen on (0.0.0.0 for a team server)")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--no-warm", action="store_true", help="do not run the app before the first visitor")
    p.add_argument("streamlit_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    p.set_defaults(func=_cmd_app, parser=p)

    from .workspace.cli import add_commands

    add_commands(sub)  # import, workspace log|undo|path

    from .auth_cli import add_commands as add_user_commands

    add_user_commands(sub)  # users add|remove|list
    return parser


def main(argv: Iterable[str] | None = None) -> int:
    """Run the ``gzgeo`` command; returns the exit code (0 ok, 1 failure, 2 usage)."""
    from .export import UnknownZoneError

    parser = build_parser()
    args = parser.parse_args(None if argv is None else list(argv))
    for name in ("category", "district", "zone"):
        if not hasattr(args, name):
            setattr(args, name, None)
    previous = _interrupt_on_sigterm()
    try:
        return args.func(args)
    except KeyboardInterrupt:
        # Writers are atomic: nothing partial is left behind.
        print("gzgeo: interrupted; no output written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `gzgeo layers | head`; before OSError, of which it is a subclass
        return 0
    except UsageError as error:
        args.parser.print_usage(sys.stderr)
        print(f"{args.parser.prog}: error: {error}", file=sys.stderr)
        return 2
    except (CliError, UnknownZoneError, ValueError, OSError, RuntimeError) as error:
        # OSError: unreadable input, a directory given as a file, an output folder that does not exist
        print(f"gzgeo: error: {error}", file=sys.stderr)
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt


def _interrupt_on_sigterm():
    """Treat ``kill`` like Ctrl-C, so atomic writers remove their temporary file; returns the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_interrupt)


if __name__ == "__main__":
    sys.exit(main())

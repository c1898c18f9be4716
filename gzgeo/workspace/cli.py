"""``gzgeo import`` and ``gzgeo workspace log|undo|path``: the workspace from a shell.

Edits made here are logged under the OS user.
"""

from __future__ import annotations

import argparse
import json
import sys

from ..crs import DATUMS
from . import active_workspace, current_actor, open_workspace, workspace_url

__all__ = ["add_commands"]


def _cmd_import(args: argparse.Namespace) -> int:
    from ..io import import_platforms  # the importer (and geocoder) only when importing: `gzgeo --help` stays fast

    columns = {
        "name_zh": args.name_col,
        "lon": args.lon_col,
        "lat": args.lat_col,
        "address": args.address_col,
        "district": args.district_col,
        "category": args.category_col,
        "id": args.id_col,
    }
    workspace = None if args.dry_run else open_workspace()
    result = import_platforms(
        args.path,
        datum=args.datum,
        columns=columns,
        precision=args.precision,
        geocode_addresses=not args.no_geocode,
        workspace=workspace,
    )
    if not args.dry_run and len(result.platforms):
        result.commit(workspace, actor=current_actor())
    print(result.summary())
    if args.dry_run:
        print("dry run: nothing written")
    return 0 if len(result.platforms) else 1


def _cmd_log(args: argparse.Namespace) -> int:
    workspace = active_workspace()
    if workspace is None:
        print(f"no workspace yet at {workspace_url()} (nothing edited)")
        return 0
    log = workspace.log(limit=args.limit)
    columns = ["seq", "at", "actor", "action", "feature_id", "changes", "precision", "source", "batch", "undone_by"]
    if args.format == "json":
        print(json.dumps(log[columns].to_dict("records"), ensure_ascii=False, indent=1, default=str))
    elif args.format == "csv":
        log[columns].to_csv(sys.stdout, index=False)
    else:
        for row in log[columns].itertuples(index=False):
            undone = f" [undone by {row.undone_by}]" if row.undone_by else ""
            print(
                f"{row.seq:>5} {row.at} {row.actor} {row.action} {row.feature_id}: {row.changes} "
                f"(precision {row.precision or '–'}; source {row.source or '–'}; batch {row.batch}){undone}"
            )
    return 0


def _cmd_undo(args: argparse.Namespace) -> int:
    workspace = active_workspace()
    if workspace is None:
        print("gzgeo: error: nothing to undo (no workspace yet)", file=sys.stderr)
        return 1
    try:
        batch = workspace.undo(actor=current_actor(), batch=args.batch)
    except LookupError as error:
        print(f"gzgeo: error: {error.args[0]}", file=sys.stderr)
        return 1
    print(f"undid batch {batch}")
    return 0


def _cmd_path(args: argparse.Namespace) -> int:
    print(workspace_url())
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``import`` and ``workspace`` to the ``gzgeo`` command's subparsers."""
    p = sub.add_parser(
        "import",
        help="import a planner's list of platforms into the workspace",
        description="Import platforms from CSV (UTF-8 or GBK), XLSX, GeoJSON, GeoPackage or a zipped "
        "Shapefile into the workspace (GZGEO_WORKSPACE). Headers such as 名称/name, "
        "地址/address, 经度/lon, 纬度/lat, 类别/category map automatically; rows that "
        "cannot be imported are listed with their row number and reason.",
    )
    p.add_argument("path", help="the file")
    p.add_argument(
        "--datum",
        choices=DATUMS,
        default="wgs84",
        help="datum of the coordinates: gcj02 for AMap/Tencent, bd09 for Baidu (default wgs84)",
    )
    for field_name, flag in (
        ("name", "name"),
        ("lon", "lon"),
        ("lat", "lat"),
        ("address", "address"),
        ("district", "district"),
        ("category", "category"),
        ("id", "id"),
    ):
        p.add_argument(f"--{flag}-col", metavar="HEADER", help=f"column holding the {field_name}")
    p.add_argument(
        "--precision",
        choices=("site", "campus_or_park"),
        default="site",
        help="precision of the file's coordinates (default site)",
    )
    p.add_argument("--no-geocode", action="store_true", help="do not geocode rows without coordinates")
    p.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    p.set_defaults(func=_cmd_import, parser=p)

    p = sub.add_parser(
        "workspace",
        help="the edit log of the workspace; undo",
        description="Inspect and undo workspace edits (GZGEO_WORKSPACE: a .gpkg path or a "
        "postgresql:// URL; default: a GeoPackage in your data folder).",
    )
    wsub = p.add_subparsers(dest="ws_command", required=True, metavar="ACTION")
    w = wsub.add_parser("log", help="list edits, newest first")
    w.add_argument("--limit", type=int, default=None, help="at most this many entries")
    w.add_argument("--format", choices=("table", "csv", "json"), default="table")
    w.set_defaults(func=_cmd_log, parser=w)
    w = wsub.add_parser("undo", help="undo the latest edit (or --batch)")
    w.add_argument("--batch", help="batch id from the log")
    w.set_defaults(func=_cmd_undo, parser=w)
    w = wsub.add_parser("path", help="print where the workspace is")
    w.set_defaults(func=_cmd_path, parser=w)

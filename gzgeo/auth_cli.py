"""``gzgeo users add|remove|list``: the local user file of the app's sign-in.

The password is read from a prompt (twice, not echoed) or, when standard
input is not a terminal, from its first line; never from the command line,
where other users could read it in the process list and shell history.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys

from .auth import ROLES, UserStore

__all__ = ["add_commands"]


def _read_password() -> str:
    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise ValueError("the two passwords differ")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def _store(args: argparse.Namespace):
    return UserStore(args.file)


def _cmd_add(args: argparse.Namespace) -> int:
    store = _store(args)
    password = None if args.oidc else _read_password()
    store.add(args.name, password, role=args.role, oidc=args.oidc, replace=args.replace)
    print(
        f"{'updated' if args.replace else 'added'} {args.name} ({args.role}{', OIDC' if args.oidc else ''}) "
        f"in {store.path}"
    )
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        store.remove(args.name)
    except KeyError as error:
        print(f"gzgeo: error: {error.args[0]}", file=sys.stderr)
        return 1
    print(f"removed {args.name} from {store.path}")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    users = store.list()
    if args.format == "json":
        print(json.dumps(users, ensure_ascii=False, indent=1))
    elif not users:
        print(f"no users in {store.path}")
    else:
        for user in users:
            print(f"{user['name']}\t{user['role']}\t{user['kind']}\tadded {user['created']}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add ``users`` to the ``gzgeo`` command's subparsers."""
    p = sub.add_parser(
        "users",
        help="who may sign in to the app and edit (local user file)",
        description="Manage the app's local user file (GZGEO_USERS; default users.json in your "
        "data folder). Passwords are stored as salted Argon2id hashes only.",
    )
    p.add_argument("--file", metavar="PATH", help="the user file (default: GZGEO_USERS or the data folder)")
    usub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    u = usub.add_parser("add", help="add a user (password from a prompt or the first line of stdin)")
    u.add_argument("name", help="user name (letters, digits, . _ @ + -); for --oidc the provider's e-mail")
    u.add_argument("--role", choices=ROLES, default="editor", help="viewer, editor (default) or admin")
    u.add_argument("--oidc", action="store_true", help="signs in at the identity provider: role only, no password")
    u.add_argument("--replace", action="store_true", help="reset an existing user's password and role")
    u.set_defaults(func=_cmd_add, parser=u)
    u = usub.add_parser("remove", help="remove a user")
    u.add_argument("name")
    u.set_defaults(func=_cmd_remove, parser=u)
    u = usub.add_parser("list", help="list users and roles (never the hashes)")
    u.add_argument("--format", choices=("table", "json"), default="table")
    u.set_defaults(func=_cmd_list, parser=u)

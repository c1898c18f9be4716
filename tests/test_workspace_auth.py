"""Who may change the workspace: roles through the single hook, the CLI's OS user, PostGIS grants."""

from __future__ import annotations

import getpass
from urllib.parse import urlsplit

import pytest
from test_cli import gz

from gzgeo.auth import ANONYMOUS, Identity, PermissionDenied
from gzgeo.workspace import open_workspace

LAB = "guangzhou-laboratory"
ALICE, BOB = Identity("alice", "editor", "local"), Identity("bob", "editor", "oidc")
ROOT, VERA = Identity("root", "admin", "local"), Identity("vera", "viewer", "local")


def _refused(ws, who) -> None:
    with pytest.raises(PermissionDenied):
        ws.correct_location(LAB, 113.37, 23.07, precision="site", source="site visit", actor=who)
    with pytest.raises(PermissionDenied):
        ws.add_platforms([{"id": "user-x", "name_zh": "某中心", "lon": 113.4, "lat": 23.1}], actor=who, source="x")
    with pytest.raises(PermissionDenied):
        ws.write({LAB: {"props": {"notes": "x"}}}, actor=who, action="correct")


def test_roles_decide_who_edits_and_who_undoes(workspace_url):
    ws = open_workspace()
    for nobody in (ANONYMOUS, VERA):
        _refused(ws, nobody)
    assert ws.log().empty and ws.overlay() == {}

    by_alice = ws.correct_location(LAB, 113.3702, 23.0712, precision="site", source="site visit", actor=ALICE)
    by_root = ws.add_platforms(
        [{"id": "user-x", "name_zh": "某中心", "lon": 113.4, "lat": 23.1}], actor=ROOT, source="list"
    )
    log = ws.log()
    assert list(log["actor"]) == ["root", "alice"]  # newest first: every change names who made it
    with pytest.raises(PermissionDenied, match="only their own"):
        ws.undo(actor=ALICE)  # the latest edit is root's
    with pytest.raises(PermissionDenied):
        ws.undo(actor=VERA, batch=by_alice)
    assert ws.undo(actor=ROOT) == by_root
    with pytest.raises(PermissionDenied, match="only their own"):
        ws.undo(actor=BOB, batch=by_alice)
    assert ws.undo(actor=ALICE, batch=by_alice) == by_alice
    log = ws.log()
    assert list(log["actor"]) == ["alice", "root", "root", "alice"]
    assert list(log["action"]) == ["undo", "undo", "import", "correct"]
    assert ws.overlay() == {}


def test_cli_records_the_os_user(tmp_path, monkeypatch):
    path = tmp_path / "list.csv"
    path.write_text("名称,经度,纬度,行政区\n某孵化器,113.45,23.17,黄埔区\n", encoding="utf-8")
    monkeypatch.setenv("GZGEO_WORKSPACE", str(tmp_path / "ws.gpkg"))
    result = gz("import", str(path), "--no-geocode")
    assert result.returncode == 0, result.stderr
    assert set(open_workspace().log()["actor"]) == {getpass.getuser()}


def _role_url(url: str, role: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=f"{role}@{parts.hostname or ''}").geturl()


def test_postgis_read_only_role_is_refused_by_the_database(pg_cluster, monkeypatch):
    owner_url = pg_cluster.new_database()
    owner = open_workspace(owner_url)  # creates the schema as the owner
    owner.correct_location(LAB, 113.3702, 23.0712, precision="site", source="site visit", actor=ALICE)
    db = urlsplit(owner_url).path.lstrip("/")
    for role, grants in (("gz_reader", "SELECT"), ("gz_writer", "SELECT, INSERT, UPDATE, DELETE")):
        pg_cluster.execute(f"CREATE ROLE {role} LOGIN")
        pg_cluster.execute(
            f"GRANT USAGE ON SCHEMA gzgeo TO {role}; GRANT {grants} ON ALL TABLES IN SCHEMA gzgeo "
            f"TO {role}; GRANT USAGE ON ALL SEQUENCES IN SCHEMA gzgeo TO {role}",
            db=db,
        )

    reader = open_workspace(_role_url(owner_url, "gz_reader"))  # a read-only role can open and read it
    assert list(reader.log()["actor"]) == ["alice"]
    assert not reader.can_write()
    with pytest.raises(PermissionDenied, match="gz_reader"):
        reader.correct_location(LAB, 113.37, 23.07, precision="site", source="x", actor=ROOT)
    # Whatever the app thinks (here: its own check switched off), the database refuses the write.
    monkeypatch.setattr(type(reader), "check_write_access", lambda self: None)
    with pytest.raises(PermissionDenied, match="database refused"):
        reader.correct_location(LAB, 113.37, 23.07, precision="site", source="x", actor=ROOT)
    with pytest.raises(PermissionDenied, match="database refused"):
        reader.undo(actor=ROOT)
    assert list(owner.log()["actor"]) == ["alice"] and len(owner.overlay()) == 1
    monkeypatch.undo()

    writer = open_workspace(_role_url(owner_url, "gz_writer"))
    assert writer.can_write()
    writer.correct_location(LAB, 113.371, 23.071, precision="site", source="survey", actor=ROOT)
    assert list(owner.log()["actor"]) == ["root", "alice"]
    _refused(writer, VERA)  # the database would allow it; the role in gzgeo does not

"""The console entry point: an interrupt while the library is still importing is one line and exit 130."""

from __future__ import annotations

import importlib.abc
import sys

import gzgeo_cli


class _InterruptingFinder(importlib.abc.MetaPathFinder):
    """Raises KeyboardInterrupt when ``gzgeo.cli`` is imported, as a Ctrl-C during the import would."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "gzgeo.cli":
            raise KeyboardInterrupt
        return None


def test_interrupt_during_import_is_one_line_and_exit_130(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "gzgeo.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_InterruptingFinder(), *sys.meta_path])
    assert gzgeo_cli.main() == 130
    err = capsys.readouterr().err
    assert err.strip() == gzgeo_cli.INTERRUPTED and "Traceback" not in err


def test_entry_runs_the_cli(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["gzgeo", "layers"])
    assert gzgeo_cli.main() == 0
    assert "platforms" in capsys.readouterr().out

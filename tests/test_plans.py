"""Plan evolution: per-document mentions, histories and changes match the documents."""

from __future__ import annotations

import pandas as pd
import pytest

import gzgeo
from gzgeo.plans import STATUS_CLASSES, check_plan_mentions


@pytest.fixture(scope="module")
def mentions() -> pd.DataFrame:
    return gzgeo.load("plan_mentions")


def test_every_plan_has_mentions_and_quotes_are_short(mentions):
    docs = gzgeo.plan_documents()
    assert list(docs["document"]) == ["004", "000", "003", "002"]
    assert (docs["n_entities"] > 0).all()
    assert len(mentions) >= 250
    assert mentions["entity_zh"].nunique() >= 120
    assert mentions["quote"].str.len().between(1, 40).all()
    assert set(mentions["status_class"]) <= set(STATUS_CLASSES)


def test_huangpu_plan_is_dated_december_2021():
    policies = gzgeo.load("policies").set_index("id")
    assert policies.loc["hp-14fyp-sti", "date"] == "2021-12"
    assert gzgeo.plan_documents()["date"].tolist()[1:] == ["2021-04-01", "2021-12", "2022-02-22"]


def test_guangzhou_laboratory_goes_from_creating_to_operating():
    history = gzgeo.plan_history("guangzhou-laboratory")
    assert history["year"].is_monotonic_increasing
    first, last = history.iloc[0], history[history["document"] == "002"]
    assert first["document"] == "004" and first["status_class"] == "planned"
    assert "挂牌运行" in set(last["status_phrase"])
    # 003's look-back says the headquarters landed on 生物岛
    look_back = history[history["looking_back"] & (history["document"] == "003")]
    assert look_back["quote"].str.contains("生物岛").any()


def test_national_tech_innovation_centre_and_new_display_centre_histories():
    gba = gzgeo.plan_history("gba-national-tech-innovation-center")
    assert gba.loc[gba["document"] == "000", "status_phrase"].isin(["加快建设"]).any()
    assert gba.iloc[-1]["status_phrase"] == "挂牌运行"
    display = gzgeo.plan_history("national-new-display-innovation-center")
    phrases = display.groupby("document")["status_phrase"].agg(set)
    # 000 says 加快建设; Huangpu's later plan still has to 创建 it (not yet approved)
    assert phrases["000"] == {"加快建设"} and "创建" in phrases["003"]


def test_changes_000_to_002_list_facilities_and_dropped_institutes():
    changes = gzgeo.plan_changes("000", "002")
    changed = changes[changes["change"] == "status_changed"].set_index("platform_id")
    for facility in ("human-cell-lineage-facility", "cold-seep-ecosystem-facility"):
        assert changed.loc[facility, "phrase_b"] == "列入国家专项规划"
        assert changed.loc[facility, "status_b"] == "upgrading"
    dropped = set(changes.loc[changes["change"] == "no_longer_named", "platform_id"])
    institutes_000 = set(gzgeo.load("memberships").query("framework == 'gz-2021-institutes'")["platform_id"])
    assert len(institutes_000) == 11 and institutes_000 <= dropped
    # a press report's silence is weak evidence, and the table says so
    assert changes.loc[changes["change"] == "no_longer_named", "caveat"].str.contains("weak").all()


def test_plan_changes_accepts_policy_ids_and_the_pdf_copy():
    by_prefix = gzgeo.plan_changes("000", "002")
    assert by_prefix.equals(gzgeo.plan_changes("gz-2021-sti-infrastructure", "gz-14fyp-sti-press"))
    assert by_prefix.equals(gzgeo.plan_changes("001", "002"))
    with pytest.raises(ValueError, match="unknown plan document"):
        gzgeo.plan_changes("000", "999")


def test_snapshots_differ_between_stages():
    sets = {stage.key: set(gzgeo.plan_snapshot(stage).index) for stage in gzgeo.PLAN_STAGES}
    assert sets["2018"] == {"guangzhou-laboratory"}
    assert len(sets["2021-12"]) > len(sets["2021-04"]) > len(sets["2022"]) > 0
    assert sets["2025"] == sets["2021-12"] | sets["2022"]


def test_unknown_platform_raises():
    with pytest.raises(KeyError):
        gzgeo.plan_history("no-such-platform")


def test_check_catches_broken_mentions(mentions):
    tables = {"plan_mentions": mentions.copy(), "policies": gzgeo.load("policies")}
    broken = tables["plan_mentions"]
    broken.loc[0, "platform_id"] = "ghost"
    broken.loc[1, "status_class"] = "finished"
    broken.loc[2, "quote"] = "x" * 41
    broken.loc[3, "looking_back"] = "maybe"
    problems = check_plan_mentions(tables, set(gzgeo.load("platforms")["id"]))
    checks = {(feature, check) for feature, check, _ in problems}
    assert {("row 2", "reference"), ("row 3", "status_class"), ("row 4", "quote"), ("row 5", "looking_back")} <= checks

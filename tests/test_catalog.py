"""The indicator catalog and targets: complete, consistent, every source named."""

from helpers.core import reference

# DESIGN.md section 6, typed here independently of indicators.yml
DESIGN_IDS = [
    "procedures_published_pct",
    "procedures_online_pct",
    "procedures_full_online_pct",
    "dossiers_received",
    "dossiers_synced_pct",
    "dossiers_online_pct",
    "dossiers_on_time_pct",
    "dossiers_paid_online_pct",
    "dossiers_digitised_pct",
    "dossiers_e_result_pct",
    "satisfaction_pct",
    "cccd_issued_total",
    "cccd_coverage_pct",
    "eid_applications_total",
    "eid_activated_total",
    "eid_activation_pct",
    "eid_level2_total",
    "medical_cccd_pct",
    "social_cashless_pct",
    "records_cleaned_pct",
    "tasks_on_time_pct",
    "tasks_overdue",
    "score_766",
]

FIELDS = [
    "group",
    "name_vi",
    "name_en",
    "short_vi",
    "short_en",
    "unit",
    "direction",
    "kind",
    "formula",
    "formula_vi",
    "table",
    "source",
]


def test_every_design_indicator_is_in_the_catalog_once():
    ids = [i["id"] for i in reference.catalog()["indicators"]]
    assert len(ids) == len(set(ids))
    assert set(DESIGN_IDS) <= set(ids)
    assert set(ids) - set(DESIGN_IDS) == {"essential_online_pct"}  # README's worked example


def test_every_indicator_is_fully_described():
    cat = reference.catalog()
    for ind in cat["indicators"]:
        for field in FIELDS:
            assert ind.get(field) not in (None, ""), (ind["id"], field)
        assert ind["group"] in cat["groups"]
        assert ind["source"] in cat["sources"]
        assert ind["direction"] in ("higher", "lower")
        assert ind["unit"] in ("pct", "count", "score")
        assert ind["table"] in ("dossiers", "procedures", "identification", "services", "tasks")
        assert ind["id"].endswith("_pct") == (ind["unit"] == "pct")


def test_targets_refer_to_catalog_indicators_and_sources():
    cat = reference.catalog()
    ids = {i["id"] for i in cat["indicators"]}
    t = reference.targets()
    assert set(t["indicator"]) <= ids
    assert set(t["source"]) <= set(cat["sources"])
    assert not t.duplicated(["indicator", "year"]).any()
    pct = {i["id"] for i in cat["indicators"] if i["unit"] == "pct"}
    assert t.loc[t["indicator"].isin(pct), "target"].between(0, 100).all()
    assert t["is_assumption"].dtype == bool and t["is_assumption"].any()


def test_decision_766_parts_add_up_to_100_points():
    groups = reference.catalog()["score_766"]
    assert sum(g["points"] for g in groups) == 100
    ids = {i["id"] for i in reference.catalog()["indicators"]}
    for g in groups:
        assert sum(p["points"] for p in g["parts"]) == g["points"], g["group"]
        for part in g["parts"]:
            if part.get("measured", True):
                assert part["indicator"] in ids
            else:
                assert part["why_en"] and part["why_vi"]
    points = {g["group"]: g["points"] for g in groups}
    assert points == {
        "transparency": 18,
        "progress": 20,
        "online": 12,
        "payment": 10,
        "digitisation": 22,
        "satisfaction": 18,
    }

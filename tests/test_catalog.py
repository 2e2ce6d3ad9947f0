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
    "index_766",
    "index_766_transparency",
    "index_766_progress",
    "index_766_online",
    "index_766_payment",
    "index_766_digitisation",
    "index_766_satisfaction",
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
    # README's worked example, and the portal's measure of dossiers on time (score_766's progress)
    assert set(ids) - set(DESIGN_IDS) == {"essential_online_pct", "dossiers_received_on_time_pct"}


def test_every_indicator_is_fully_described():
    cat = reference.catalog()
    for ind in cat["indicators"]:
        for field in FIELDS:
            assert ind.get(field) not in (None, ""), (ind["id"], field)
        assert ind["group"] in cat["groups"]
        assert ind["source"] in cat["sources"]
        assert ind["direction"] in ("higher", "lower")
        assert ind["unit"] in ("pct", "count", "score")
        tables = ("dossiers", "procedures", "identification", "services", "tasks", "index_766")
        assert ind["table"] in tables
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


# The portal's own codes, typed here from its responses (transparency, satisfaction and
# digitisation publish metrics[] with these codes; the groups' codes are those of its
# national summary), independently of indicators.yml.
PORTAL_GROUPS = {
    "transparency": "CKMB",
    "progress": "TDGQ",
    "online": "CLGQ",
    "payment": "TTTT",
    "digitisation": "MDSH",
    "satisfaction": "MDHL",
}
PORTAL_METRICS = {
    "transparency": {
        "PUBLISH_ON_TIME": 6,
        "PUBLIC_UPDATE_ON_TIME": 4,
        "PUBLIC_CONTENT_FULL": 2,
        "DOSSIER_SYNC": 6,
    },
    "digitisation": {
        "ORIGINAL_RESULT_AVAILABLE": 6,
        "SO_HOA_GIAY_TO_GIAI_QUYET": 4,
        "REUSED_DIGITIZED_DATA": 2,
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE": 4,
        "CITIZEN_DATA_CONNECTED_DOSSIER": 2,
        "CITIZEN_DATA_CONNECTED_FORMALITY": 2,
        "ELECTRONIC_CERTIFIED_COPY": 2,
    },
    "satisfaction": {
        "DOSSIER_RECEIVING_SATISFACTION": 6,
        "PETITION_PROCESSING_ON_TIME": 6,
        "PETITION_HANDLING_SATISFACTION": 6,
    },
}


def test_decision_766_groups_carry_the_portals_codes_points_and_formula_sources():
    cat = reference.catalog()
    for group in cat["score_766"]:
        assert group["code"] == PORTAL_GROUPS[group["group"]]
        assert group["formula_source"] in cat["formula_sources"]
        for source in cat["formula_sources"].values():
            assert source["en"] and source["vi"]
        metrics = {
            p["metric"]: p["points"] for p in group["parts"] if p.get("metric") and not p.get("fields")
        }
        assert metrics == PORTAL_METRICS.get(group["group"], {}), group["group"]
    online = next(g for g in cat["score_766"] if g["group"] == "online")
    assert online["formula_source"] == "not_published"
    assert all(p.get("assumption") for p in online["parts"])


def test_official_index_indicators_name_each_group_once():
    cat = reference.catalog()
    official = {i["index_group"]: i["id"] for i in cat["indicators"] if i.get("index_group")}
    assert official == {"total": "index_766", **{g: f"index_766_{g}" for g in PORTAL_GROUPS}}
    assert all(i["source"] == "dvcqg" for i in cat["indicators"] if i.get("index_group"))

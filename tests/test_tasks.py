from helpers.core.periods import parse_period
from helpers.core.units import parse_unit
from helpers.engine.tasks import by_lead_unit, overdue_leads


def test_tasks_by_lead_unit(data_dir):
    table = by_lead_unit(parse_unit("79"), parse_period("2024-Q1"), data_dir)
    row = table.loc["Công an tỉnh"]
    # due in P: t1 (on time), t2 (late, done by the end), t3 and t4 (not done);
    # overdue at the end of P: t3 and t6 (t4 falls due on the last day)
    assert row.to_dict() == {"due": 4, "on_time": 1, "late": 1, "not_done": 2, "overdue": 2}
    assert overdue_leads(table) == ["Công an tỉnh"]


def test_legacy_unit_sees_only_its_tasks(data_dir):
    table = by_lead_unit(parse_unit("legacy/74"), parse_period("2024-Q1"), data_dir)
    assert table.loc["Công an tỉnh"].to_dict() == {
        "due": 1,
        "on_time": 1,
        "late": 0,
        "not_done": 0,
        "overdue": 1,
    }

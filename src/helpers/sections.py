"""The sections of a review, each as HTML and figures ready to show.

A notebook calls one function per section and shows what it returns; every figure and
sentence here is computed by the engine (indicators, trends, findings, tasks) and every
label comes from the catalog in the report's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from matplotlib.figure import Figure

from helpers import findings, overview, plots, reference, tasks, trends
from helpers.formatting import format_value
from helpers.indicators import parts_of_score, peers_of, review, review_units
from helpers.provenance import definitions_table, provenance_table
from helpers.report import Params, bullet_list, section_title, table_html, text
from helpers.report_tables import display_frame, numeric_headers


@dataclass
class Section:
    html: str
    figures: list[Figure] = field(default_factory=list)


def show(section: Section) -> None:
    """Display a section in the notebook and free its figures."""
    from IPython.display import HTML, Image, display

    if section.html:
        display(HTML(section.html))
    for fig in section.figures:
        alt = fig.axes[0].get_title() if fig.axes else ""
        display(Image(data=plots.png_bytes(fig), metadata={"alt": alt}))


def _short(indicator: str, lang: str) -> str:
    return reference.indicators().at[indicator, f"short_{lang}"]


def _target(table: pd.DataFrame, indicator: str) -> float | None:
    value = table.set_index("indicator")["target"].get(indicator)
    return None if value is None or pd.isna(value) else float(value)


def _chart_range(params: Params) -> tuple[date, date]:
    start = min(params.period.start, params.baseline.start) if params.baseline else params.period.start
    return start, params.period.end


def _trend(
    params: Params,
    indicators: list[str],
    title_key: str,
    ylabel_key: str,
    target_of: str | None = None,
    table: pd.DataFrame | None = None,
) -> Figure:
    lang = params.lang
    start, end = _chart_range(params)
    series = trends.monthly(params.unit, start, end, indicators, params.data_dir)
    target = _target(table, target_of) if (target_of and table is not None) else None
    return plots.trend_chart(
        series,
        {i: _short(i, lang) for i in indicators},
        text(title_key, lang),
        text(ylabel_key, lang),
        text("chart_month", lang),
        lang,
        target=target,
        target_label=f"{text('chart_target', lang)}: {_short(target_of, lang)}"
        if target is not None
        else None,
    )


def indicator_table(table: pd.DataFrame, lang: str, indicators: list[str] | None = None) -> str:
    part = table if indicators is None else table[table["indicator"].isin(indicators)]
    heads = display_frame(part, lang)
    return table_html(heads, numeric=numeric_headers(lang), status=heads.columns[3], lang=lang)


def key_results(params: Params, table: pd.DataFrame) -> Section:
    """Every indicator with value, target, status, change against the baseline and rank."""
    return Section(section_title("section_key_results", params.lang) + indicator_table(table, params.lang))


def procedures(params: Params, table: pd.DataFrame) -> Section:
    """Procedures, online services, dossiers and the Decision 766 parts."""
    lang = params.lang
    html = section_title("section_procedures", lang) + score_table(table, lang)
    figs = [
        _trend(
            params,
            ["dossiers_online_pct", "dossiers_synced_pct", "dossiers_on_time_pct", "dossiers_digitised_pct"],
            "chart_dossiers_title",
            "chart_pct",
            "dossiers_online_pct",
            table,
        ),
        _trend(
            params,
            ["procedures_online_pct", "procedures_full_online_pct", "essential_online_pct"],
            "chart_procedures_title",
            "chart_pct",
            "procedures_online_pct",
            table,
        ),
    ]
    return Section(html, figs)


def score_table(table: pd.DataFrame, lang: str) -> str:
    """The Decision 766 parts: points, threshold, value, points earned, or why not measured."""
    parts = parts_of_score(table, lang)
    measurable = [isinstance(i, str) for i in parts["indicator"]]
    shown = pd.DataFrame(
        {
            text("col_group", lang): parts["group"],
            text("col_part", lang): [
                _short(i, lang) if m else why
                for i, why, m in zip(parts["indicator"], parts["why"], measurable, strict=True)
            ],
            text("col_points", lang): [format_value(p, "count", lang) for p in parts["points"]],
            text("col_threshold", lang): [format_value(t, "pct", lang) for t in parts["threshold"]],
            text("col_value", lang): [
                format_value(v, "pct", lang) if m else text("not_measured", lang)
                for v, m in zip(parts["value"], measurable, strict=True)
            ],
            text("col_score", lang): [format_value(v, "score", lang) for v in parts["score"]],
        }
    )
    covered = table.set_index("indicator").at["score_766", "denominator"]
    note = text("score_covers", lang, covered=format_value(covered, "count", lang))
    return (
        table_html(shown, numeric=[text("col_points", lang), text("col_score", lang)])
        + f'<p class="p06-note">{note}</p>'
    )


def identification(params: Params, table: pd.DataFrame) -> Section:
    """ID cards and e-ID as cumulative curves, and the application → activation funnel."""
    lang = params.lang
    html = section_title("section_identification", lang)
    values = table.set_index("indicator")["value"]
    figs = [
        _trend(
            params,
            ["cccd_issued_total", "eid_applications_total", "eid_level2_total", "eid_activated_total"],
            "chart_identification_title",
            "chart_people",
        )
    ]
    if pd.notna(values.get("eid_applications_total")):
        figs.append(
            plots.funnel_chart(
                [
                    (text("funnel_applications", lang), values["eid_applications_total"]),
                    (text("funnel_level2", lang), values["eid_level2_total"]),
                    (text("funnel_activated", lang), values["eid_activated_total"]),
                ],
                text("chart_funnel_title", lang),
                text("chart_people", lang),
                lang,
            )
        )
    return Section(html, figs)


def data_use(params: Params, table: pd.DataFrame) -> Section:
    """Medical facilities, cashless social payments, cleaned specialised records."""
    ids = ["medical_cccd_pct", "social_cashless_pct", "records_cleaned_pct"]
    html = section_title("section_data_use", params.lang)
    return Section(html, [_trend(params, ids, "chart_data_use_title", "chart_pct")])


def task_section(params: Params, table: pd.DataFrame) -> tuple[Section, list[str]]:
    """Tasks completed on time, late, not done and overdue, by lead unit."""
    lang = params.lang
    by_lead = tasks.by_lead_unit(params.unit, params.period, params.data_dir)
    html = section_title("section_tasks", lang)
    figs = []
    if not by_lead.empty:
        heads = {
            "due": "col_due",
            "on_time": "col_on_time",
            "late": "col_late",
            "not_done": "col_not_done",
            "overdue": "col_overdue",
        }
        shown = by_lead.rename(columns={k: text(v, lang) for k, v in heads.items()})
        shown.index.name = text("col_lead_unit", lang)
        html += table_html(shown.reset_index(), numeric=[text(v, lang) for v in heads.values()])
        due = by_lead[by_lead["due"] > 0]
        if not due.empty:
            figs.append(
                plots.stacked_bars(
                    due,
                    {k: text(heads[k], lang) for k in ("on_time", "late", "not_done")},
                    text("chart_tasks_title", lang),
                    text("chart_count", lang),
                    lang,
                )
            )
    return Section(html, figs), tasks.overdue_leads(by_lead)


PEER_INDICATORS = ["dossiers_online_pct", "score_766"]


def review_tables(params: Params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The unit's review table and the same table for all its peers, from one computation."""
    level, _, group = peers_of(params.unit, "province")
    peer_table = review_units(
        level, group, group, params.period, params.baseline, params.data_dir, params.lang
    )
    table = peer_table[peer_table["unit"] == params.unit.selector].reset_index(drop=True)
    return table, peer_table


def peers(params: Params, peer_table: pd.DataFrame) -> Section:
    """The unit among its peers: ranked bars with the unit highlighted."""
    lang = params.lang
    html = section_title("section_peers", lang)
    if peer_table["unit"].nunique() < 2:
        return Section(html + f"<p>{text('none_found', lang)}</p>")
    me = peer_table.loc[peer_table["unit"] == params.unit.selector, "unit_name"].iloc[0]
    figs = []
    for ind in PEER_INDICATORS:
        rows = peer_table[peer_table["indicator"] == ind].set_index("unit_name")["value"]
        title_key = "chart_score_title" if ind == "score_766" else "chart_ranking_title"
        title = text(title_key, lang, name=_short(ind, lang), period=params.period)
        unit = reference.indicators().at[ind, "unit"]
        xlabel = (
            _short(ind, lang)
            if unit == "score"
            else text("chart_pct" if unit == "pct" else "chart_count", lang)
        )
        figs.append(plots.ranking_chart(rows, me, title, xlabel, lang))
    return Section(html, figs)


def commune_review(params: Params) -> pd.DataFrame:
    """Every commune of the unit on every indicator the mart holds per commune."""
    if params.unit.level == "commune":
        return pd.DataFrame(columns=["indicator", "value"])
    return review(
        params.unit,
        params.period,
        params.baseline,
        level="commune",
        data_dir=params.data_dir,
        lang=params.lang,
    )


def communes(params: Params, commune_table: pd.DataFrame) -> tuple[Section, pd.DataFrame]:
    """The communes that lag most on the key indicators."""
    lang = params.lang
    lagging = findings.lagging_communes(commune_table) if len(commune_table) else commune_table
    html = section_title("section_communes", lang)
    html += (
        table_html(findings.lagging_table(lagging, lang), numeric=[text("col_value", lang)])
        if len(lagging)
        else f"<p>{text('none_found', lang)}</p>"
    )
    return Section(html), lagging


def shortcomings(
    params: Params, table: pd.DataFrame, lagging: pd.DataFrame, overdue_leads: list[str]
) -> Section:
    """Shortcomings and key tasks for the next period, written from the figures."""
    lang = params.lang
    unit_rows = table[table["indicator"] != "score_766"]
    html = section_title("section_shortcomings", lang)
    html += f"<h4>{text('heading_shortcomings', lang)}</h4>"
    html += bullet_list(findings.shortcomings(unit_rows, lagging, lang), lang)
    html += f"<h4>{text('heading_next_tasks', lang)}</h4>"
    html += bullet_list(findings.next_tasks(unit_rows, lagging, params.period, lang, overdue_leads), lang)
    return Section(html)


def commendation(params: Params, commune_table: pd.DataFrame) -> Section:
    """Communes proposed for commendation: best results and largest improvements."""
    lang = params.lang
    proposals = findings.commendations(commune_table, lang) if len(commune_table) else None
    html = section_title("section_commendation", lang)
    html += (
        table_html(proposals)
        if proposals is not None and len(proposals)
        else f"<p>{text('none_found', lang)}</p>"
    )
    return Section(html)


def method(params: Params, parameters: dict, indicators: list[str]) -> Section:
    """How every figure was computed, from which data and code."""
    lang = params.lang
    html = section_title("section_method", lang) + f"<p>{text('method_text', lang)}</p>"
    html += table_html(definitions_table(indicators, lang))
    html += table_html(provenance_table(parameters, params.data_dir, params.period.end_day, lang))
    return Section(html)


def record(table: pd.DataFrame) -> None:
    """Record the report's values as JSON (a hidden cell), for tests and batch indexes."""
    from IPython.display import display

    values = {
        f"{r.unit}|{r.indicator}": (None if pd.isna(r.value) else round(float(r.value), 6))
        for r in table.itertuples()
    }
    display({"application/json": values}, raw=True)


# ---- the national overview ----------------------------------------------------------------


def national(params: Params) -> tuple[list[Section], pd.DataFrame]:
    """All 34 provinces side by side, the Decision 766 ranking, the provinces furthest from
    their targets, and the picture across July 2025."""
    lang = params.lang
    table = overview.provinces_review(params.period, params.baseline, params.data_dir, lang)
    out = [
        Section(
            f"<h3>{text('overview_table', lang)}</h3>"
            + table_html(
                overview.side_by_side(table, lang),
                numeric=[_short(i, lang) for i in overview.OVERVIEW_INDICATORS],
            )
        )
    ]
    scores = table[table["indicator"] == "score_766"].set_index("unit_name")["value"]
    out.append(
        Section(
            "",
            [
                plots.ranking_chart(
                    scores,
                    None,
                    text("chart_score_title", lang, period=params.period),
                    _short("score_766", lang),
                    lang,
                )
            ],
        )
    )
    out.append(
        Section(
            f"<h3>{text('overview_furthest', lang)}</h3>"
            + table_html(overview.furthest_from_targets(table, lang))
        )
    )
    picture = overview.reorganisation_picture(params.period, params.data_dir, lang)
    html = f"<h3>{text('overview_legacy', lang)}</h3>"
    html += table_html(picture) if picture is not None else f"<p>{text('overview_legacy_none', lang)}</p>"
    out.append(Section(html))
    return out, table

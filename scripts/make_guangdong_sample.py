"""Generate the Guangdong sample data shipped in ``data/samples/guangdong/``.

Run from anywhere::

    .venv/bin/python scripts/make_guangdong_sample.py

It rewrites ``cities.csv``, ``context.csv`` and ``indicators.csv`` deterministically:
the random generator is seeded (``numpy.random.default_rng(20231218)``), every value
is rounded to a fixed number of decimals and written with a fixed format, so running
the script twice gives byte-identical files.

Provenance
----------
* ``cities.csv`` holds standard facts: GB/T 2260 administrative codes, names and the
  usual regional classifications of the 21 prefecture-level cities.
* ``context.csv`` holds GDP (亿元) and year-end resident population (万人). Values
  that appear in ``data/realdata/guangdong_cities_long.csv`` are copied unchanged and
  marked ``real``. Every other cell is **illustrative**: it is interpolated or
  extrapolated from the city's real neighbouring years with a seeded growth rate, or,
  for a city without any real value, grown from a rounded illustrative anchor.
* ``indicators.csv`` is **entirely illustrative**. No city-level digital-economy
  figures for 2021-2023 were found (see ``data/realdata/README.md``). The values are
  drawn from a small latent-factor model, described below, whose parameters encode
  the qualitative claims of the seed documents (see ``seeds-digest.md`` §1.3), so
  that the index computed from them shows those patterns. They are not measurements.

The model
---------
Every city has a ``STRENGTH`` (its latent level in 2021, on a 0-100 "score" scale)
and a ``MOMENTUM`` (its latent growth rate per year). ``PILLAR_TILT`` and
``MOMENTUM_TILT`` shift level and growth for one pillar of one city. The latent level
of city c, pillar p, year t is::

    L[c, p, 2021] = STRENGTH[c] + PILLAR_TILT[c, p]
    L[c, p, t]    = FLOOR + (L[c, p, t-1] - FLOOR)
                          * (1 + MOMENTUM[c] + MOMENTUM_TILT[c, p] + small noise)

An ordinary indicator takes ``L`` plus a persistent city-indicator effect (and, for
a few cities, a named specialisation, ``INDICATOR_TILT``) and a small year-to-year
noise, rescales that over the whole panel to [0, 1], optionally bends it
(``gamma`` > 1 gives the right-skewed shape of per-capita counts), and maps it onto
the indicator's plausible raw range ``[lo, hi]`` (reversed for lower-is-better ones).
Per-capita indicators are then recomputed from an illustrative stock (base stations,
firms, ...) and the population in ``context.csv``; stocks never decrease.

Three 0-100 index indicators (sector digitalisation of medical services and of
education, government-service user activity) are generated directly as index
values, with growth rates or levels set for the cities the seeds name.

The "2221" framework
--------------------
``indicators_2221.csv`` holds the extra indicators of Guangdong's "2221" reference
framework (``specs/guangdong_2221.yaml``; seeds-digest §2 and §3.5) that the
four-pillar index does not use. They are drawn **the same way, from the same latent
levels** (each extra indicator follows the pillar its 2221 node corresponds to in
the crosswalk of seeds-digest §2.4), with a generator of their own seeded with
``(SEED, 2221)``, so that adding them leaves ``indicators.csv`` byte-identical. The
``binary`` kind (a city has set up a statistics-monitoring system, 0/1) switches on
once the city's latent level passes a threshold and never switches off. Entirely
illustrative, like ``indicators.csv``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEED = 20231218
YEARS = (2021, 2022, 2023)
ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "data" / "samples" / "guangdong"
REAL_FILE = ROOT / "data" / "realdata" / "guangdong_cities_long.csv"

# ---------------------------------------------------------------------------
# The 21 prefecture-level cities (seeds-digest §4.1), in code order.
# (code, short Chinese name, English name, four-region group)
# ---------------------------------------------------------------------------
CITIES: list[tuple[str, str, str, str]] = [
    ("440100", "广州", "Guangzhou", "珠三角"),
    ("440200", "韶关", "Shaoguan", "粤北"),
    ("440300", "深圳", "Shenzhen", "珠三角"),
    ("440400", "珠海", "Zhuhai", "珠三角"),
    ("440500", "汕头", "Shantou", "粤东"),
    ("440600", "佛山", "Foshan", "珠三角"),
    ("440700", "江门", "Jiangmen", "珠三角"),
    ("440800", "湛江", "Zhanjiang", "粤西"),
    ("440900", "茂名", "Maoming", "粤西"),
    ("441200", "肇庆", "Zhaoqing", "珠三角"),
    ("441300", "惠州", "Huizhou", "珠三角"),
    ("441400", "梅州", "Meizhou", "粤北"),
    ("441500", "汕尾", "Shanwei", "粤东"),
    ("441600", "河源", "Heyuan", "粤北"),
    ("441700", "阳江", "Yangjiang", "粤西"),
    ("441800", "清远", "Qingyuan", "粤北"),
    ("441900", "东莞", "Dongguan", "珠三角"),
    ("442000", "中山", "Zhongshan", "珠三角"),
    ("445100", "潮州", "Chaozhou", "粤东"),
    ("445200", "揭阳", "Jieyang", "粤东"),
    ("445300", "云浮", "Yunfu", "粤北"),
]
NAMES = [c[1] for c in CITIES]
IDX = {name: i for i, name in enumerate(NAMES)}
# PRD vs the rest (珠三角 / 粤东西北), and the disjoint "一核一带一区" split: the
# PRD core, the east and west wings of the coastal belt, the northern zone.
PRD_SPLIT = {
    "珠三角": "珠三角",
    "粤东": "粤东西北",
    "粤西": "粤东西北",
    "粤北": "粤东西北",
}
ZONE = {"珠三角": "核心区", "粤东": "沿海经济带", "粤西": "沿海经济带",
        "粤北": "北部生态发展区"}  # fmt: skip

# ---------------------------------------------------------------------------
# Context anchors: illustrative GDP (亿元) and population (万人) of 2022, used only
# for cities that have no real value of that variable at all in realdata. Rounded
# to whole numbers so nobody mistakes them for published figures.
# ---------------------------------------------------------------------------
GDP_ANCHOR_2022 = {"韶关": 1560, "梅州": 1310, "汕尾": 1320,
                   "清远": 2030, "潮州": 1310, "云浮": 1160}  # fmt: skip
POP_ANCHOR_2022 = {"汕尾": 267, "云浮": 239}
GDP_GROWTH = (0.03, 0.06)  # seeded yearly nominal growth where no real pair exists
POP_GROWTH = (-0.004, 0.006)  # resident population: roughly flat

# ---------------------------------------------------------------------------
# City parameters of the latent model.
#
# STRENGTH: latent level in 2021 (0-100 score scale). Guangzhou and Shenzhen form
#   the "twin peaks" (C08); the other Pearl River Delta (PRD) cities come next,
#   the east, west and north (粤东西北) trail (C07 level).
# MOMENTUM: latent growth rate per year of the part of the level above FLOOR, which
#   is about where the weakest city sits after normalisation; so MOMENTUM is close
#   to the growth of the city's composite score. Foshan, Zhongshan and Zhaoqing
#   grow fastest (C09); the non-PRD cities grow faster than the PRD average (C07
#   momentum); Guangzhou, Shenzhen, Dongguan and Zhuhai slowest.
# ---------------------------------------------------------------------------
FLOOR = 9.0
STRENGTH = {
    "广州": 88, "深圳": 92, "珠海": 52, "佛山": 56, "惠州": 45, "东莞": 58,
    "中山": 42, "江门": 33, "肇庆": 25,
    "汕头": 32, "汕尾": 15, "潮州": 20, "揭阳": 19,
    "湛江": 25, "茂名": 22, "阳江": 18,
    "韶关": 20, "河源": 17, "梅州": 17, "清远": 21, "云浮": 15,
}  # fmt: skip
MOMENTUM = {
    "广州": 0.03, "深圳": 0.03, "珠海": 0.05, "佛山": 0.17, "惠州": 0.06,
    "东莞": 0.05, "中山": 0.17, "江门": 0.08, "肇庆": 0.17,
    "汕头": 0.09, "汕尾": 0.08, "潮州": 0.09, "揭阳": 0.08,
    "湛江": 0.09, "茂名": 0.08, "阳江": 0.09,
    "韶关": 0.08, "河源": 0.09, "梅州": 0.08, "清远": 0.09, "云浮": 0.09,
}  # fmt: skip

PILLARS = ("infrastructure", "industry", "innovation", "livelihood")

# PILLAR_TILT: level shift of one pillar of one city (score points).
#   innovation: Shenzhen and Guangzhou concentrate 双创; Dongguan, Foshan, Zhuhai,
#   Zhongshan and Shantou gather many 双创 talents (C15), Huizhou and Jiangmen less.
#   livelihood: the four "dark horses" start from a low smart-livelihood level (C19).
PILLAR_TILT = {
    ("深圳", "innovation"): 6, ("东莞", "innovation"): 6, ("佛山", "innovation"): 4,
    ("珠海", "innovation"): 7, ("中山", "innovation"): 7, ("汕头", "innovation"): 13,
    ("惠州", "innovation"): -9, ("江门", "innovation"): -5, ("肇庆", "innovation"): -4,
    ("惠州", "industry"): 6, ("东莞", "industry"): 4, ("河源", "industry"): 3,
    ("珠海", "infrastructure"): 4, ("惠州", "infrastructure"): 3,
    ("肇庆", "livelihood"): -9, ("河源", "livelihood"): -2,
    ("潮州", "livelihood"): -2,
}  # fmt: skip

# MOMENTUM_TILT: extra yearly growth of one pillar of one city.
#   The dark horses' smart-livelihood digitalisation grows strongly (C19); the
#   fast-growing PRD cities grow mainly through industry and innovation.
MOMENTUM_TILT = {
    ("肇庆", "livelihood"): 0.08, ("河源", "livelihood"): 0.14,
    ("云浮", "livelihood"): 0.17, ("潮州", "livelihood"): 0.14,
    ("佛山", "livelihood"): -0.05, ("中山", "livelihood"): -0.05,
}  # fmt: skip

# INDICATOR_TILT: a city's specialisation on one indicator (score points), e.g. the
#   electronics-heavy industry of Huizhou, Heyuan (seed: 32.4% of industrial value
#   added in 2021, S003 L1280) and Dongguan.
INDICATOR_TILT = {
    ("惠州", "ei_mfg_va_share"): 30, ("河源", "ei_mfg_va_share"): 34,
    ("东莞", "ei_mfg_va_share"): 12,
}  # fmt: skip

PERSIST_SD = 5.0  # persistent city x indicator effect (score points)
TRANSIENT_SD = 0.5  # year-to-year noise (score points)
MOMENTUM_SD = 0.008  # yearly noise on each pillar's growth rate

# Medical / education digitalisation (C12-C14): the cities with the highest growth.
MEDICAL_FAST = {"东莞": 0.21, "清远": 0.23, "阳江": 0.20}
EDUCATION_FAST = {"揭阳": 0.22, "湛江": 0.20, "江门": 0.19}
# Government-service user activity (C18): the most active cluster.
GOV_ACTIVE = {"广州": 24.0, "深圳": 24.0, "佛山": 26.0, "东莞": 26.0}

# Cells left empty on purpose, so that the missing-data handling shows.
MISSING = [
    ("汕尾", 2021, "idc_racks_per_10k"),
    ("韶关", 2021, "road_speed_collection_rate"),
    ("梅州", 2022, "tech_contract_turnover_to_gdp"),
    ("阳江", 2023, "specialised_sme_per_10k"),
    ("茂名", 2022, "internet_hospitals_per_million"),
]


@dataclass(frozen=True)
class Indicator:
    """One indicator column: how its illustrative values are drawn."""

    id: str
    pillar: str
    lo: float  # raw value at the bottom of the panel
    hi: float  # raw value at the top of the panel
    decimals: int
    direction: int = 1
    gamma: float = 1.0  # > 1: right-skewed (a few cities far ahead)
    per: float = 0.0  # > 0: per-capita, recomputed from a stock; residents per unit
    kind: str = "latent"  # latent | medical | education | gov_activity | binary


# Residents (in 万人) per denominator unit: per 10k residents = 1, per million = 100.
P10K, PMIL = 1.0, 100.0

INDICATORS: list[Indicator] = [
    # 基础 infrastructure
    Indicator("fiveg_bs_per_10k", "infrastructure", 6, 44, 2, per=P10K),
    Indicator("fiveg_users_per_100", "infrastructure", 22, 92, 2),
    Indicator("gigabit_broadband_share", "infrastructure", 3, 42, 2),
    Indicator("internet_penetration_rate", "infrastructure", 68, 93, 2),
    Indicator("idc_racks_per_10k", "infrastructure", 0.8, 58, 2, gamma=1.6, per=P10K),
    Indicator("iiot_identifiers_per_capita", "infrastructure", 0.5, 30, 2, gamma=1.5),
    Indicator("govcloud_hosted_systems", "infrastructure", 40, 520, 0, gamma=1.2),
    Indicator("egov_network_interconnection_rate", "infrastructure", 72, 98, 2),
    Indicator("transport_smart_sensing_coverage", "infrastructure", 25, 84, 2),
    Indicator("road_speed_collection_rate", "infrastructure", 20, 68, 2),
    # 产业 industry
    Indicator("ecommerce_per_capita", "industry", 0.8, 25, 2, gamma=1.5),
    Indicator("online_retail_share", "industry", 6, 34, 2),
    Indicator("ei_mfg_va_share", "industry", 4, 62, 2),
    Indicator("software_revenue_to_gdp", "industry", 0.3, 32, 2, gamma=1.8),
    Indicator("ict_services_va_share_gdp", "industry", 1.0, 12.5, 2, gamma=1.4),
    Indicator("mfg_internet_sales_rate", "industry", 22, 62, 2),
    Indicator("mfg_cloud_iot_bigdata_adoption", "industry", 12, 55, 2),
    Indicator("firms_on_cloud_per_10k", "industry", 2, 60, 2, gamma=1.2, per=P10K),
    Indicator("sector_digitalisation_medical", "industry", 0, 100, 2, kind="medical"),
    Indicator(
        "sector_digitalisation_education", "industry", 0, 100, 2, kind="education"
    ),
    Indicator("logistics_cost_to_gdp", "industry", 13.2, 18.5, 2, direction=-1),
    # 双创 innovation & entrepreneurship
    Indicator(
        "high_tech_enterprises_per_10k", "innovation", 0.5, 13, 2, gamma=1.3, per=P10K
    ),
    Indicator(
        "specialised_sme_per_10k", "innovation", 0.2, 4.5, 2, gamma=1.2, per=P10K
    ),
    Indicator(
        "ai_enterprises_per_million", "innovation", 2, 95, 2, gamma=1.7, per=PMIL
    ),
    Indicator("tech_contract_turnover_to_gdp", "innovation", 0.05, 9, 2, gamma=1.7),
    Indicator("digital_rnd_intensity", "innovation", 0.15, 3.6, 2, gamma=1.2),
    Indicator(
        "incubators_makerspaces_per_million", "innovation", 1, 20, 2, 1, 1.2, PMIL
    ),
    Indicator("internet_incubation_bases", "innovation", 0, 9, 0, gamma=1.3),
    Indicator("shuangchuang_talent_concentration", "innovation", 8, 98, 2),
    Indicator("digital_talent_trained_per_10k", "innovation", 5, 120, 2, gamma=1.3),
    Indicator(
        "online_financed_startups_per_million", "innovation", 1, 40, 2, 1, 1.4, PMIL
    ),
    # 智慧民生 smart livelihood
    Indicator("gov_approval_online_rate", "livelihood", 74, 99, 2),
    Indicator("social_service_online_rate", "livelihood", 58, 92, 2),
    Indicator("medical_info_sharing_rate", "livelihood", 55, 97, 2),
    Indicator("online_shopping_penetration", "livelihood", 52, 85, 2),
    Indicator("public_digital_culture_coverage", "livelihood", 72, 99.5, 2),
    Indicator("emergency_db_sharing_rate", "livelihood", 50, 96, 2),
    Indicator(
        "gov_service_user_activity", "livelihood", 0, 100, 2, kind="gov_activity"
    ),
    Indicator("yueshengshi_users_per_100", "livelihood", 60, 185, 2),
    Indicator("medical_insurance_ecert_rate", "livelihood", 22, 78, 2),
    Indicator(
        "internet_hospitals_per_million", "livelihood", 0.3, 4.5, 2, 1, 1.2, PMIL
    ),
    Indicator("care_wait_time", "livelihood", 14, 62, 1, direction=-1),
]


# The extra indicators of the "2221" framework (seeds-digest §3.5), each drawn from
# the latent level of the pillar its 2221 node corresponds to (§2.4 crosswalk).
SEED_2221 = (SEED, 2221)
INDICATORS_2221: list[Indicator] = [
    # 数字产业化 / 核心产业, 核心基础数字产品 → industry
    Indicator("uhd_industry_output_to_gdp", "industry", 0.1, 6.0, 2, gamma=1.6),
    Indicator("ic_enterprises_per_million", "industry", 1, 60, 2, gamma=1.8, per=PMIL),
    Indicator("core_component_output_to_gdp", "industry", 0.2, 9.0, 2, gamma=1.5),
    # 产业数字化 / 工业, 农业, 服务 → industry, livelihood
    Indicator("cluster_transformation_pilots", "industry", 0, 8, 0, gamma=1.3),
    Indicator("agri_digital_demo_counties", "livelihood", 0, 4, 0),
    Indicator("food_traceability_rate", "livelihood", 78, 99, 2),
    Indicator("postal_data_coverage", "livelihood", 80, 99.5, 2),
    # 数据资源 → infrastructure
    Indicator("gov_data_records_per_capita", "infrastructure", 5, 260, 1, gamma=1.5),
    Indicator("data_share_turnaround_hours", "infrastructure", 6, 30, 1, direction=-1),
    # 数字技术 → innovation
    Indicator("key_labs", "innovation", 0, 25, 0, gamma=1.7),
    # 数字政府 → livelihood
    Indicator("yuezhengyi_users_per_100", "livelihood", 0.5, 6.0, 2),
    # 服务支撑体系 → innovation
    Indicator("de_stats_monitoring_in_place", "innovation", 0, 1, 0, kind="binary"),
    Indicator("digital_skills_training_coverage", "innovation", 5, 60, 2),
]
MISSING_2221 = [("云浮", 2021, "key_labs"), ("汕尾", 2022, "postal_data_coverage")]


def _read_real() -> dict[tuple[str, int, str], float]:
    """Real GDP / population values from realdata, keyed by (city, year, variable)."""
    real: dict[tuple[str, int, str], float] = {}
    with REAL_FILE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            var = row["indicator_id"]
            if var in ("gdp", "population_resident") and row["value"].strip():
                real[(row["city"], int(row["year"]), var)] = float(row["value"])
    return real


def _fill_series(
    real: dict[int, float], anchor: float | None, growth: np.ndarray
) -> list[float]:
    """Complete a 3-year series around its real values.

    Missing years between two real values are interpolated geometrically; years
    before the first or after the last real value are extrapolated with the seeded
    yearly ``growth``; a series without real values is grown from ``anchor`` (2022).
    """
    years = list(YEARS)
    if not real:
        assert anchor is not None
        real = {2022: float(anchor)}
    known = sorted(real)
    out: list[float] = []
    for k, y in enumerate(years):
        if y in real:
            out.append(real[y])
            continue
        before = [k2 for k2 in known if k2 < y]
        after = [k2 for k2 in known if k2 > y]
        if before and after:
            y0, y1 = before[-1], after[0]
            r = (real[y1] / real[y0]) ** (1.0 / (y1 - y0))
            out.append(real[y0] * r ** (y - y0))
        elif before:
            v = real[before[-1]]
            for j in range(years.index(before[-1]) + 1, k + 1):
                v *= 1.0 + growth[j]
            out.append(v)
        else:
            v = real[after[0]]
            for j in range(years.index(after[0]), k, -1):
                v /= 1.0 + growth[j]
            out.append(v)
    return out


def _context(rng: np.random.Generator) -> list[dict[str, object]]:
    real = _read_real()
    n = len(CITIES)
    gdp_g = rng.uniform(*GDP_GROWTH, size=(n, len(YEARS)))
    pop_g = rng.uniform(*POP_GROWTH, size=(n, len(YEARS)))
    rows: list[dict[str, object]] = []
    for i, (code, name, _en, _region) in enumerate(CITIES):
        series = {}
        for var, anchor, g in (
            ("gdp", GDP_ANCHOR_2022.get(name), gdp_g[i]),
            ("population_resident", POP_ANCHOR_2022.get(name), pop_g[i]),
        ):
            known = {y: real[(name, y, var)] for y in YEARS if (name, y, var) in real}
            series[var] = (_fill_series(known, anchor, g), known)
        for k, year in enumerate(YEARS):
            gdp, gdp_known = series["gdp"]
            pop, pop_known = series["population_resident"]
            rows.append(
                {
                    "city_code": code,
                    "year": year,
                    "gdp": round(gdp[k], 2),
                    "population_resident": round(pop[k], 2),
                    "gdp_source": "real" if year in gdp_known else "illustrative",
                    "population_source": "real"
                    if year in pop_known
                    else "illustrative",
                }
            )
    return rows


def _latent(rng: np.random.Generator) -> np.ndarray:
    """Latent level L[city, pillar, year] on the 0-100 score scale."""
    n, p, t = len(CITIES), len(PILLARS), len(YEARS)
    noise = rng.standard_normal((n, p, t - 1))
    level = np.zeros((n, p, t))
    for i, name in enumerate(NAMES):
        for j, pillar in enumerate(PILLARS):
            level[i, j, 0] = STRENGTH[name] + PILLAR_TILT.get((name, pillar), 0)
            for k in range(1, t):
                rate = (
                    MOMENTUM[name]
                    + MOMENTUM_TILT.get((name, pillar), 0.0)
                    + MOMENTUM_SD * noise[i, j, k - 1]
                )
                level[i, j, k] = FLOOR + (level[i, j, k - 1] - FLOOR) * (1.0 + rate)
    return level


def _indicators(
    rng: np.random.Generator,
    level: np.ndarray,
    pop: np.ndarray,
    indicators: list[Indicator] = INDICATORS,
    missing: list[tuple[str, int, str]] = MISSING,
) -> dict[str, np.ndarray]:
    """Raw values[city, year] of every indicator (NaN = missing)."""
    n, t = len(CITIES), len(YEARS)
    m = len(indicators)
    persist = rng.standard_normal((n, m))
    transient = rng.standard_normal((n, t, m))
    special = rng.standard_normal((n, t, 3))
    # Jitter the ends of each raw range a little, so that the panel's extremes are
    # not suspiciously round numbers.
    ends = rng.uniform(0.0, 0.03, size=(m, 2))
    values: dict[str, np.ndarray] = {}
    for col, ind in enumerate(indicators):
        lv = level[:, PILLARS.index(ind.pillar), :]
        if ind.kind == "binary":
            # 0/1: set up once the latent level (plus the city's own effect) passes
            # the panel's 60th percentile; never undone.
            d = lv + PERSIST_SD * persist[:, col][:, None]
            raw = np.maximum.accumulate((d >= np.quantile(d, 0.6)) * 1.0, axis=1)
        elif ind.kind == "latent":
            tilt = np.array([INDICATOR_TILT.get((c, ind.id), 0.0) for c in NAMES])
            d = (
                lv
                + (tilt + PERSIST_SD * persist[:, col])[:, None]
                + TRANSIENT_SD * transient[..., col]
            )
            u = ((d - d.min()) / (d.max() - d.min())) ** ind.gamma
            span = ind.hi - ind.lo
            lo, hi = ind.lo + span * ends[col, 0], ind.hi - span * ends[col, 1]
            raw = lo + (hi - lo) * u if ind.direction > 0 else hi - (hi - lo) * u
        elif ind.kind in ("medical", "education"):
            # Index 0-100: a level tied to the industry pillar, grown each year at a
            # modest common rate, much faster in the cities the seeds name.
            fast = MEDICAL_FAST if ind.kind == "medical" else EDUCATION_FAST
            s = 0 if ind.kind == "medical" else 1
            raw = np.zeros((n, t))
            raw[:, 0] = 26 + 0.45 * lv[:, 0] + 3.0 * persist[:, col]
            for k in range(1, t):
                rate = np.clip(0.07 + 0.02 * special[:, k, s], 0.03, 0.12)
                for name, r in fast.items():
                    rate[IDX[name]] = r + 0.01 * special[IDX[name], k, s]
                raw[:, k] = raw[:, k - 1] * (1.0 + rate)
            raw = np.minimum(raw, 99.0)
        elif ind.kind == "gov_activity":
            # Index 0-100 of government-service user activity: follows the
            # smart-livelihood level; the Guangzhou-Shenzhen-Foshan-Dongguan
            # cluster is the most active (C18).
            boost = np.array([GOV_ACTIVE.get(name, 0.0) for name in NAMES])
            raw = 22 + 0.5 * lv + boost[:, None] + 0.8 * special[..., 2]
            raw = np.minimum(raw, 99.0)
        else:  # pragma: no cover - guarded by the table above
            raise ValueError(ind.kind)
        if ind.per:
            # Per-capita indicator: derive an illustrative stock (stations, firms,
            # ...), keep it non-decreasing over time, then divide by population.
            denom = pop / ind.per
            stock = np.maximum.accumulate(np.round(raw * denom), axis=1)
            raw = stock / denom
        values[ind.id] = np.round(raw, ind.decimals)
    for name, year, ind_id in missing:
        values[ind_id][IDX[name], YEARS.index(year)] = np.nan
    return values


def _fmt(v: object, decimals: int) -> str:
    if isinstance(v, float) and np.isnan(v):
        return ""
    if isinstance(v, float | np.floating):
        return f"{float(v):.{decimals}f}"
    return str(v)


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def main() -> None:
    rng = np.random.default_rng(SEED)
    OUT_DIR.mkdir(parents=True, exist_ok=True)

    cities = [
        [code, zh, en, region, PRD_SPLIT[region], ZONE[region]]
        for code, zh, en, region in CITIES
    ]
    _write(
        OUT_DIR / "cities.csv",
        ["code", "name_zh", "name_en", "region", "prd", "zone"],
        cities,
    )

    ctx = _context(rng)
    _write(
        OUT_DIR / "context.csv",
        list(ctx[0]),
        [
            [
                str(r["city_code"]),
                str(r["year"]),
                _fmt(r["gdp"], 2),
                _fmt(r["population_resident"], 2),
                str(r["gdp_source"]),
                str(r["population_source"]),
            ]
            for r in ctx
        ],
    )
    pop = np.array([float(r["population_resident"]) for r in ctx]).reshape(
        len(CITIES), len(YEARS)
    )

    level = _latent(rng)
    values = _indicators(rng, level, pop)
    rows = []
    for i, (code, *_rest) in enumerate(CITIES):
        for k, year in enumerate(YEARS):
            row = [code, str(year)]
            row += [
                _fmt(float(values[ind.id][i, k]), ind.decimals) for ind in INDICATORS
            ]
            rows.append(row)
    _write(
        OUT_DIR / "indicators.csv",
        ["city_code", "year", *[ind.id for ind in INDICATORS]],
        rows,
    )
    extra = _indicators(
        np.random.default_rng(SEED_2221), level, pop, INDICATORS_2221, MISSING_2221
    )
    _write(
        OUT_DIR / "indicators_2221.csv",
        ["city_code", "year", *[ind.id for ind in INDICATORS_2221]],
        [
            [code, str(year)]
            + [
                _fmt(float(extra[ind.id][i, k]), ind.decimals)
                for ind in INDICATORS_2221
            ]
            for i, (code, *_rest) in enumerate(CITIES)
            for k, year in enumerate(YEARS)
        ],
    )
    print(f"wrote {len(cities)} cities, {len(rows)} city-years, "
          f"{len(INDICATORS)} indicators to {OUT_DIR.relative_to(ROOT)}")  # fmt: skip


if __name__ == "__main__":
    main()

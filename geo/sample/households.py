"""Households: names, household x project x parcel rows, and each household's stage history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from ..schema import STAGE_ORDER, STAGES
from .geography import _PROJECTS, _Layout
from .parcels import _road_distance
from .presets import _HS

_STAGE_JITTER = np.array([0, 12, 3, 0, 2, 3, 10, 12])

_FAMILY = np.array(
    [
        "Nguyễn",
        "Hoàng",
        "Nông",
        "Lương",
        "Vi",
        "Lăng",
        "Hà",
        "Trần",
        "Lê",
        "Phạm",
        "Đinh",
        "Lý",
        "Triệu",
        "Mã",
        "Chu",
        "Ninh",
        "Hứa",
        "Dương",
        "Bế",
        "Vũ",
        "Đàm",
        "Lộc",
        "Đỗ",
        "Phùng",
        "Hoàng",
        "Nguyễn",
        "Nông",
        "Lương",
        "Vi",
        "Hoàng",
    ]
)
_MID_M = np.array(["Văn", "Văn", "Văn", "Văn", "Đức", "Minh", "Xuân", "Quang", "Thanh", "Hữu", "Công"])
_MID_F = np.array(["Thị", "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng"])
_GIVEN_M = np.array(
    [
        "An",
        "Bình",
        "Cường",
        "Dũng",
        "Đông",
        "Hải",
        "Hùng",
        "Khánh",
        "Lâm",
        "Long",
        "Mạnh",
        "Nam",
        "Phúc",
        "Quân",
        "Sơn",
        "Tài",
        "Thắng",
        "Thành",
        "Toàn",
        "Trung",
        "Tuấn",
        "Việt",
        "Vinh",
        "Hưng",
        "Kiên",
        "Lực",
        "Chiến",
        "Hòa",
        "Tâm",
        "Thịnh",
        "Quý",
        "Sáu",
        "Bảy",
        "Tám",
        "Chung",
        "Hợp",
        "Đoàn",
        "Nghĩa",
    ]
)
_GIVEN_F = np.array(
    [
        "Hoa",
        "Hương",
        "Lan",
        "Liên",
        "Mai",
        "Nga",
        "Nhung",
        "Phượng",
        "Thảo",
        "Thu",
        "Thủy",
        "Vân",
        "Yến",
        "Hằng",
        "Loan",
        "Tuyết",
        "Xuân",
        "Hạnh",
        "Mến",
        "Dung",
        "Lừng",
        "Pắn",
    ]
)


def _names(n: int, rng: np.random.Generator, female_share: float = 0.25) -> np.ndarray:
    """Synthetic Vietnamese full names (family, middle, given), common in Lạng Sơn."""
    fem = rng.random(n) < female_share
    fam = _FAMILY[rng.integers(0, len(_FAMILY), n)]
    mid = np.where(fem, _MID_F[rng.integers(0, len(_MID_F), n)], _MID_M[rng.integers(0, len(_MID_M), n)])
    giv = np.where(fem, _GIVEN_F[rng.integers(0, len(_GIVEN_F), n)], _GIVEN_M[rng.integers(0, len(_GIVEN_M), n)])
    return pd.Series(fam).str.cat([pd.Series(mid), pd.Series(giv)], sep=" ").to_numpy()


def _apportion(total: int, shares: npt.ArrayLike) -> np.ndarray:
    """Split ``total`` into integers proportional to ``shares`` (largest remainders)."""
    raw = np.asarray(shares, float) / np.sum(shares) * total
    out = np.floor(raw).astype(int)
    out[np.argsort(-(raw - out), kind="stable")[: total - out.sum()]] += 1
    return out


def _households(
    n_rows: int,
    parcels: pd.DataFrame,
    geoms: np.ndarray,
    layout: _Layout,
    as_of: date,
    rng: np.random.Generator,
    story_ham: Sequence[int] = (),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Household rows (one per household x project x parcel) and their stage history.

    ``story_ham``: the hamlets (indices) of the story, where more households fall behind or disagree.
    """
    tree = shapely.STRtree(geoms)
    private = parcels["loai_dat"].isin(["ONT", "CLN", "HNK", "LUC", "LUK", "NTS", "RSX", "SKC"]).to_numpy()
    used = np.zeros(len(geoms), bool)
    cent = parcels[["cx", "cy"]].to_numpy()
    area = parcels["area"].to_numpy()
    if n_rows <= 0:
        rows = pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in (
                    ("household_id", object),
                    ("household_name", object),
                    ("project_id", object),
                    ("ma_xa", object),
                    ("so_to", int),
                    ("so_thua", int),
                    ("acq_out", object),
                    ("stage", int),
                    ("stage_date", "datetime64[ns]"),
                    ("compensation", float),
                    ("resettlement", object),
                    ("agreement", object),
                    ("round", int),
                    ("ham", int),
                    ("unplaced", bool),
                )
            }
        )
        hist = pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in (
                    ("household_id", object),
                    ("project_id", object),
                    ("stage", object),
                    ("date", "datetime64[ns]"),
                )
            }
        )
        return rows, hist
    counts = _apportion(n_rows, [p["share"] for p in _PROJECTS])
    frames = []
    hh_counter = 0
    for p, need in zip(_PROJECTS, counts):
        if need == 0:
            continue
        fp = layout.footprints[p["project_id"]]
        idx = tree.query(fp, predicate="intersects")
        idx = idx[private[idx] & ~used[idx]]
        ia = shapely.area(shapely.intersection(geoms[idx], fp))
        ok = ia >= np.minimum(15.0, 0.5 * area[idx])
        idx, ia = idx[ok], ia[ok]
        if len(idx) > need:
            w = np.sqrt(ia / area[idx]) + 0.05
            pick = rng.choice(len(idx), size=need, replace=False, p=w / w.sum())
            idx, ia = idx[pick], ia[pick]
        elif len(idx) < need:  # too few parcels under the footprint: take the nearest others
            taken = used.copy()
            taken[idx] = True
            n_free = int((private & ~taken).sum())
            reach = 100.0
            while True:  # widen the search until enough free parcels are in reach
                near = tree.query(shapely.buffer(fp, reach, quad_segs=4), predicate="intersects")
                near = near[private[near] & ~taken[near]]
                if len(near) >= min(need - len(idx), n_free):
                    break
                reach *= 2
            dist = shapely.distance(geoms[near], fp)
            more = near[np.lexsort((near, dist))[: need - len(idx)]]
            idx = np.concatenate([idx, more])
            ia = np.concatenate([ia, area[more]])
        used[idx] = True
        ham = parcels["ham"].to_numpy()[idx]
        # group neighbouring parcels of one hamlet into households of 1-4 parcels
        axis = cent[idx, 0] if p["project_id"] != "DA-CCN" else cent[idx, 1]
        order = np.lexsort((axis, ham))
        idx, ia, ham = idx[order], ia[order], ham[order]
        sizes = rng.choice([1, 2, 3, 4], size=len(idx), p=[0.72, 0.2, 0.06, 0.02])
        start = np.zeros(len(idx), bool)
        pos = np.cumsum(sizes)
        start[np.r_[0, pos[pos < len(idx)]]] = True
        start[np.r_[True, ham[1:] != ham[:-1]]] = True
        hh = np.cumsum(start) - 1 + hh_counter
        hh_counter = hh[-1] + 1
        frames.append(
            pd.DataFrame(
                {"pidx": idx, "acq": ia, "ham": ham, "hh": hh, "project_id": p["project_id"], "axis": axis[order]}
            )
        )
    rows = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["pidx", "acq", "ham", "hh", "project_id", "axis"])
    )
    # a few households also lose land to a second project in the same hamlet
    hh_first = rows.groupby("hh", sort=False).agg(ham=("ham", "first"), project_id=("project_id", "first"))
    remap: dict[int, int] = {}
    for _, sub in hh_first.groupby("ham", sort=True):
        road = sub.index[sub["project_id"] == "DA-DT242"].to_numpy()
        other = sub.index[sub["project_id"] != "DA-DT242"].to_numpy()
        k = int(min(len(road), len(other)) * 0.12 + (rng.random() < 0.5))
        k = min(k, len(road), len(other))
        if k:
            a = rng.choice(other, k, replace=False)
            b = rng.choice(road, k, replace=False)
            remap.update(zip(a.tolist(), b.tolist()))
    if remap:
        rows["hh"] = rows["hh"].replace(remap)

    # household ids, per former commune in spatial order: HS-0001, DT-0001
    commune = parcels["ma_xa"].to_numpy()[rows["pidx"].to_numpy()]
    rows["commune"] = commune
    first = (
        rows.sort_values(["hh"])
        .groupby("hh")
        .agg(commune=("commune", "first"), ham=("ham", "first"), pos=("axis", "first"))
    )
    first = first.sort_values(["commune", "ham", "pos"], kind="stable")
    width = max(4, len(str(len(first))))
    prefix = np.where(first["commune"].to_numpy() == _HS, "HS", "DT")
    num = first.groupby("commune", sort=False).cumcount().to_numpy() + 1
    hid = pd.Series(prefix).str.cat(pd.Series(num).astype(str).str.zfill(width), sep="-").to_numpy()
    id_map = dict(zip(first.index.to_numpy(), hid))
    names = dict(zip(hid, _names(len(hid), rng)))
    rows["household_id"] = rows["hh"].map(id_map)
    rows["household_name"] = rows["household_id"].map(names)

    # stages from project rounds; laggards and disagreeing households stall
    hp = (
        rows.groupby(["household_id", "project_id"], sort=True)
        .agg(ham=("ham", "first"), pos=("axis", "mean"))
        .reset_index()
    )
    n_hp = len(hp)
    hp["round"] = 1
    for p in _PROJECTS:
        m = (hp["project_id"] == p["project_id"]).to_numpy()
        if not m.any():
            continue
        nr = len(p["starts"])
        if p["project_id"] == "DA-TDC":
            r = rng.integers(1, nr + 1, m.sum())
        else:
            q = hp.loc[m, "pos"].rank(method="first", pct=True).to_numpy()
            r = np.minimum((q * nr).astype(int) + 1, nr)
            r = np.where(rng.random(m.sum()) < 0.1, rng.integers(1, nr + 1, m.sum()), r)
        hp.loc[m, "round"] = r
    offs = np.zeros((n_hp, len(STAGES.keys)), int)  # days relative to as_of
    for p in _PROJECTS:
        m = (hp["project_id"] == p["project_id"]).to_numpy()
        for r, s0 in enumerate(p["starts"], start=1):
            mm = m & (hp["round"].to_numpy() == r)
            milestones = -s0 + np.r_[0, np.cumsum(p["gaps"])]
            offs[mm] = milestones[None, :]
    offs = offs + (rng.random((n_hp, len(STAGES.keys))) * (_STAGE_JITTER + 1)).astype(int)
    offs = np.maximum.accumulate(offs, axis=1)
    story = np.isin(hp["ham"].to_numpy(), np.asarray(story_ham, int))
    # some households fall behind their round from one step on (papers missing, absent owner...)
    steps = np.arange(len(STAGES.keys))
    delayed = rng.random(n_hp) < np.where(story, 0.30, 0.15)
    from_step = rng.integers(1, len(STAGES.keys), n_hp)
    delay = rng.integers(15, 140, n_hp)
    offs = offs + np.where(delayed[:, None] & (steps[None, :] >= from_step[:, None]), delay[:, None], 0)
    frontier = (offs <= 0).sum(1) - 1
    stage = np.maximum(frontier, 0)
    disagree = (frontier >= STAGE_ORDER["plan_posted"]) & (rng.random(n_hp) < np.where(story, 0.22, 0.012))
    cap = np.where(rng.random(n_hp) < 0.7, STAGE_ORDER["plan_posted"], STAGE_ORDER["plan_approved"])
    stage = np.where(disagree, np.minimum(stage, cap), stage)
    stage = np.where(frontier < 0, 0, stage)
    offs = np.minimum(offs, 0)
    agreement = np.where(
        disagree,
        "Không",
        np.where(
            stage < STAGE_ORDER["plan_posted"],
            np.where(rng.random(n_hp) < 0.8, "Chưa rõ", "Có"),
            np.where(rng.random(n_hp) < 0.05, "Chưa rõ", "Có"),
        ),
    )
    hp["stage"] = stage
    hp["agreement"] = agreement
    hp["stage_off"] = offs[np.arange(n_hp), stage]

    # stage history, with a handful of skipped steps
    reached = steps[None, :] <= stage[:, None]
    skip = np.zeros_like(reached)
    cand = np.flatnonzero(stage >= STAGE_ORDER["paid"])
    if len(cand):
        n_skip = min(len(cand), max(3, n_hp // 150))
        # mostly in the troubled hamlets, where a rushed procedure feeds the grievances
        w = np.where(story[cand], 6.0, 1.0)
        pick = rng.choice(cand, n_skip, replace=False, p=w / w.sum())
        which = np.where(np.arange(n_skip) % 3 == 2, STAGE_ORDER["surveyed"], STAGE_ORDER["plan_approved"])
        skip[pick, which] = True
    r_i, s_i = np.nonzero(reached & ~skip)
    hist = pd.DataFrame(
        {
            "household_id": hp["household_id"].to_numpy()[r_i],
            "project_id": hp["project_id"].to_numpy()[r_i],
            "stage": np.array(STAGES.keys)[s_i],
            "date": pd.to_datetime(as_of) + pd.to_timedelta(offs[r_i, s_i], unit="D"),
        }
    )

    rows = rows.merge(
        hp[["household_id", "project_id", "round", "stage", "agreement", "stage_off"]],
        on=["household_id", "project_id"],
        how="left",
    )
    # compensation approved from plan_approved on (VND, rounded to 1,000)
    land = parcels["loai_dat"].to_numpy()[rows["pidx"].to_numpy()]
    roadside = _road_distance(cent[rows["pidx"].to_numpy()], layout) < 60
    price = (
        pd.Series(land)
        .map(
            {
                "ONT": 2_600_000,
                "CLN": 265_000,
                "HNK": 230_000,
                "LUC": 285_000,
                "LUK": 250_000,
                "NTS": 240_000,
                "RSX": 95_000,
                "SKC": 1_200_000,
            }
        )
        .fillna(150_000)
        .to_numpy()
    )
    price = np.where((land == "ONT") & roadside, 4_800_000, price)
    acq = rows["acq"].to_numpy()
    # residential price only within the residential quota (hạn mức đất ở); the rest as garden land
    res_part = np.where(land == "ONT", np.minimum(acq, 300.0), acq)
    comp = (res_part * price + (acq - res_part) * 265_000) * rng.uniform(0.9, 1.25, len(rows))
    comp += np.where(land == "ONT", rng.uniform(150e6, 1.1e9, len(rows)) * np.minimum(1, acq / 120), 0)
    comp = np.maximum(np.round(comp / 1000) * 1000, 12_000_000)
    st = rows["stage"].to_numpy()
    rows["compensation"] = np.where(st >= STAGE_ORDER["plan_approved"], comp, np.nan)
    frac = acq / area[rows["pidx"].to_numpy()]
    ont_big = (land == "ONT") & (frac >= 0.9) & (acq >= 100) & (rng.random(len(rows)) < 0.45)
    rows["resettle_row"] = ont_big
    tdc = rows.groupby(["household_id", "project_id"])["resettle_row"].transform("any")
    rows["resettlement"] = np.where(tdc, "Có", "Không")
    acq_txt = np.round(acq, 1).astype(object)
    blank = (frac >= 0.98) & (rng.random(len(rows)) < 0.5)
    acq_txt[blank] = None
    rows["acq_out"] = acq_txt
    rows["ma_xa"] = parcels["ma_xa"].to_numpy()[rows["pidx"].to_numpy()]
    rows["so_to"] = parcels["so_to"].to_numpy()[rows["pidx"].to_numpy()]
    rows["so_thua"] = parcels["so_thua"].to_numpy()[rows["pidx"].to_numpy()]
    rows = rows.sort_values(["household_id", "project_id", "ma_xa", "so_to", "so_thua"], kind="stable").reset_index(
        drop=True
    )
    # realistic clerk errors: rows pointing at parcels that do not exist
    if len(rows) >= 20:
        n_err = 3 if len(rows) >= 60 else 2
        err = rng.choice(len(rows), n_err, replace=False)
        max_no = parcels.groupby(["ma_xa", "so_to"])["so_thua"].max()
        max_sheet = parcels.groupby("ma_xa")["so_to"].max()
        e0 = err[0]
        rows.loc[e0, "so_thua"] = int(max_no[(rows.loc[e0, "ma_xa"], rows.loc[e0, "so_to"])]) + 11
        e1 = err[1]
        rows.loc[e1, "so_to"] = int(max_sheet[rows.loc[e1, "ma_xa"]]) + 2
        if n_err > 2:
            e2 = err[2]
            rows.loc[e2, "so_to"] = int(max_sheet[rows.loc[e2, "ma_xa"]]) + 5
        rows["unplaced"] = False
        rows.loc[err, "unplaced"] = True
    else:
        rows["unplaced"] = False
    rows["stage_date"] = pd.to_datetime(as_of) + pd.to_timedelta(rows["stage_off"], unit="D")
    hist = hist.sort_values(["household_id", "project_id", "date"], kind="stable").reset_index(drop=True)
    return rows, hist

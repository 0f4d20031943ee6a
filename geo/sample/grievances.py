"""Grievances: kinds, topics, statuses and places, with the planted price cluster of Tân Hồ."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import shapely

from ..schema import KINDS, STATUSES, TOPICS
from .geography import _STORY_PRICE, to_lonlat
from .hamlets import _base_index, _HamletTable


def _random_points_in(geom: shapely.Geometry, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` uniform random points inside ``geom``."""
    shapely.prepare(geom)
    x0, y0, x1, y1 = geom.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        xy = np.column_stack([rng.uniform(x0, x1, 4 * n + 20), rng.uniform(y0, y1, 4 * n + 20)])
        out = np.vstack([out, xy[shapely.contains_xy(geom, xy[:, 0], xy[:, 1])]])
    return out[:n]


_CLUSTER_HOUSEHOLDS = 16  # neighbours on the road who complain about the price within weeks


def _price_cluster(placed: pd.DataFrame, cent: np.ndarray, table: _HamletTable, n: int) -> list[str]:
    """The ``n`` road households of Tân Hồ nearest the story's point of the road, nearest first."""
    road = placed[
        (placed["project_id"] == "DA-DT242") & (table.base[placed["ham"].to_numpy()] == _base_index(_STORY_PRICE))
    ]
    if road.empty or n <= 0:
        return []
    d = np.hypot(*(cent[road["pidx"].to_numpy()] - table.price_anchor).T)
    near = pd.Series(d, index=road["household_id"].to_numpy()).groupby(level=0).min()
    return near.sort_values(kind="stable").index[:n].tolist()


def _grievances(
    n: int,
    rows: pd.DataFrame,
    table: _HamletTable,
    zone_by_hamlet: list[shapely.Geometry],
    as_of: date,
    rng: np.random.Generator,
    cent: np.ndarray,
) -> pd.DataFrame:
    """Grievances: the fixed story, one of every kind/topic/status, the price cluster, then random ones.

    Most are linked to a household (of the hamlet of its first placed row),
    some only to a hamlet, some only to a lon/lat point. Values mix Vietnamese
    labels and English keys; dates are day-first.

    The price cluster: the road households of Tân Hồ nearest one point of the
    road (:data:`_CLUSTER_HOUSEHOLDS` of them) each filed a complaint on the
    compensation price of the road project in the last six weeks, still open
    on the as-of date: neighbours comparing their offers. Gi* finds it as a
    hot cluster (``geo.hotspots``).
    """
    hid = table.ids
    price, landtype, calm_set = table.price, table.landtype, table.calm
    placed = rows[~rows["unplaced"]]
    first = placed.groupby("household_id", sort=False).first()
    hh_ham = first["ham"].map(lambda i: hid[i])
    hh_proj = first["project_id"]
    pool = {h: np.array([], dtype=object) for h in hid}
    pool.update({h: idx.to_numpy() for h, idx in hh_ham.groupby(hh_ham, sort=False).groups.items()})
    by_ham = placed.groupby("ham")["project_id"].unique()
    proj_in = {h: sorted(by_ham.get(i, [])) for i, h in enumerate(hid)}

    recs: list[dict] = []

    def add(
        ham: str,
        age: int,
        kind: str,
        topic: str,
        status: str,
        sig: int = 1,
        link: str = "household",
        project: str | None = None,
        household: str = "",
        note: str = "",
    ) -> None:
        recs.append(
            {
                "ham": ham,
                "age": age,
                "kind": kind,
                "topic": topic,
                "status": status,
                "sig": sig,
                "link": link,
                "project": project,
                "household": household,
                "note": note,
            }
        )

    # the story, fixed
    add(price, 47, "complaint", "compensation_price", "dialogue", 23, "household", "DA-CCN")
    add(price, 19, "petition", "compensation_price", "received", 12, "hamlet", "DA-CCN")
    add(price, 36, "complaint", "resettlement", "in_progress", 1, "household", "DA-CCN")
    add(landtype, 12, "petition", "land_type", "in_progress", 8, "household", "DA-DT242")
    add(landtype, 41, "dispute", "area", "mediation", 1, "household", "DA-DT242")  # a boundary dispute
    add(price, 72, "denunciation", "procedure", "escalated", 1, "point", None)
    # coverage: every kind, topic and status at least once, in ordinary hamlets
    ordinary = [h for h in hid if h not in calm_set and h not in (price, landtype)]
    cov_age = {
        "received": 6,
        "in_progress": 22,
        "dialogue": 27,
        "mediation": 25,
        "resolved": 90,
        "escalated": 110,
        "withdrawn": 75,
    }
    for i, t in enumerate(TOPICS.keys):
        s = STATUSES.keys[(i * 3) % len(STATUSES.keys)]
        k = "dispute" if s == "mediation" else KINDS.keys[i % 4]  # mediation is a land dispute's path
        add(ordinary[i % len(ordinary)], cov_age[s], k, t, s, 1, ("household", "hamlet", "point")[i % 3])
    # the price cluster: neighbours on the road, one complaint each, all open
    cluster = _price_cluster(placed, cent, table, min(_CLUSTER_HOUSEHOLDS, n - len(recs)))
    ages = rng.integers(4, 42, len(cluster))
    for hh, age in zip(cluster, ages):
        status = "received" if age <= 10 else "dialogue" if age > 30 else "in_progress"
        add(
            hh_ham[hh],
            int(age),
            "complaint",
            "compensation_price",
            status,
            1,
            "household",
            "DA-DT242",
            household=hh,
            note="Đề nghị xem xét lại đơn giá bồi thường đất ở, đất vườn ven đường ĐT.242 (so sánh với hộ liền kề)",
        )
    recs = recs[:n]
    m = n - len(recs)
    if m > 0:
        w = np.array([5.5 if h == price else 3.0 if h == landtype else 0.5 if h in calm_set else 1.0 for h in hid])
        ham = np.array(hid)[rng.choice(len(hid), m, p=w / w.sum())]
        hot = np.isin(ham, [price, landtype])
        calm = np.isin(ham, list(calm_set))
        age = np.where(hot & (rng.random(m) < 0.65), rng.integers(0, 60, m), rng.integers(0, 240, m))
        age = np.where(calm, rng.integers(35, 240, m), age)
        kind = np.array(KINDS.keys)[rng.choice(4, m, p=[0.42, 0.07, 0.30, 0.21])]
        tp_base = np.array([0.28, 0.15, 0.12, 0.10, 0.15, 0.12, 0.08])
        topics = np.array(TOPICS.keys)
        topic = topics[rng.choice(7, m, p=tp_base)]
        topic = np.where((ham == price) & (rng.random(m) < 0.55), "compensation_price", topic)
        topic = np.where((ham == landtype) & (rng.random(m) < 0.5), "land_type", topic)
        st_keys = np.array(STATUSES.keys)
        p_old = [0.0, 0.08, 0.04, 0.04, 0.66, 0.08, 0.10]
        p_mid = [0.0, 0.32, 0.18, 0.13, 0.27, 0.04, 0.06]
        p_new = [0.46, 0.34, 0.06, 0.02, 0.10, 0.0, 0.02]
        p_calm = [0.0, 0.0, 0.0, 0.0, 0.85, 0.0, 0.15]
        u = rng.random(m)
        statuses = np.empty(m, dtype=object)
        for mask, pr in ((age > 60, p_old), ((age > 30) & (age <= 60), p_mid), (age <= 30, p_new)):
            statuses[mask] = st_keys[np.minimum((u[mask, None] > np.cumsum(pr)).sum(1), 6)]
        # ordinary hamlets close most of their files on time
        quiet = ~hot & ~calm & (age > 30) & (rng.random(m) < 0.85)
        statuses[quiet] = st_keys[np.minimum((u[quiet, None] > np.cumsum(p_calm)).sum(1), 6)]
        statuses[calm] = st_keys[np.minimum((u[calm, None] > np.cumsum(p_calm)).sum(1), 6)]
        no_project = np.isin(ham, [h for h in hid if not proj_in[h]])
        topic = np.where(no_project & (rng.random(m) < 0.6), "other", topic)
        # the commune's mediation (hòa giải) is the path of a land dispute, not of a complaint (Art. 235)
        kind = np.where(statuses == "mediation", "dispute", kind)
        topic = np.where(kind == "dispute", "area", topic)  # disputes here are over boundaries and areas
        collective = np.isin(kind, ["complaint", "petition"]) & (rng.random(m) < np.where(hot, 0.18, 0.07))
        collective &= ~no_project
        # outside the price story, collective files are answered within the 30 days
        late = collective & (ham != price) & (age > 30) & ~np.isin(statuses, ["resolved", "withdrawn"])
        statuses[late] = "resolved"
        sig = np.where(collective, rng.integers(5, 41, m), np.where(rng.random(m) < 0.06, rng.integers(2, 4, m), 1))
        v = rng.random(m)
        link = np.where(v < 0.70, "household", np.where(v < 0.91, "hamlet", "point"))
        for i in range(m):
            add(str(ham[i]), int(age[i]), str(kind[i]), str(topic[i]), str(statuses[i]), int(sig[i]), str(link[i]))
    if not recs:
        return pd.DataFrame(
            columns=[
                "so_don",
                "ngay_nhan",
                "loai_don",
                "noi_dung",
                "so_nguoi_ky",
                "trang_thai",
                "ngay_giai_quyet",
                "ma_ho",
                "ma_thon",
                "ma_du_an",
                "kinh_do",
                "vi_do",
                "tom_tat",
            ]
        )
    g = pd.DataFrame(recs)
    g["age"] = g["age"].clip(0, 250)
    n_g = len(g)
    # link to households / hamlets / points
    ma_ho = np.full(n_g, "", dtype=object)
    ma_thon = np.full(n_g, "", dtype=object)
    proj = g["project"].fillna("").to_numpy().astype(object)
    lon = np.full(n_g, np.nan)
    lat = np.full(n_g, np.nan)
    link = g["link"].to_numpy().astype(object)
    hams = g["ham"].to_numpy()
    r = rng.random(n_g)
    for i in range(n_g):
        h = hams[i]
        if link[i] == "household" and len(pool[h]) == 0:
            link[i] = "hamlet"
        if link[i] == "household" and g.at[i, "household"]:
            ma_ho[i] = g.at[i, "household"]
        elif link[i] == "household":
            cand = pool[h]
            if proj[i]:
                c2 = cand[(hh_proj.loc[cand] == proj[i]).to_numpy()]
                cand = c2 if len(c2) else cand
            ma_ho[i] = cand[int(r[i] * len(cand))]
            proj[i] = proj[i] or hh_proj.loc[ma_ho[i]]
            if (i * 7919) % 2 == 0:
                ma_thon[i] = h
        elif link[i] == "hamlet":
            ma_thon[i] = h
            if not proj[i] and proj_in[h] and g.at[i, "topic"] != "other":
                proj[i] = proj_in[h][int(r[i] * len(proj_in[h]))]
    pts_mask = link == "point"
    with_points = set(hams[pts_mask])
    for j, h in enumerate(hid):
        if h not in with_points:
            continue
        sel = np.flatnonzero(pts_mask & (hams == h))
        if len(sel):
            inner = shapely.buffer(zone_by_hamlet[j], -2.0)  # off the border, where rounding could leave it
            xy = _random_points_in(inner if inner.area > 0 else zone_by_hamlet[j], len(sel), rng)
            ll = to_lonlat().transform(xy[:, 0], xy[:, 1])
            lon[sel], lat[sel] = np.round(ll[0], 6), np.round(ll[1], 6)
    received = pd.Series(pd.to_datetime(as_of) - pd.to_timedelta(g["age"].to_numpy(), unit="D"))
    closed = g["status"].isin(["resolved", "withdrawn"]).to_numpy()
    dur = rng.integers(8, 46, n_g)
    res_age = np.maximum(g["age"].to_numpy() - dur, 0)
    resolved = pd.Series(pd.to_datetime(as_of) - pd.to_timedelta(res_age, unit="D"))
    order = np.argsort(received.to_numpy(), kind="stable")
    seq = np.empty(n_g, int)
    seq[order] = np.arange(1, n_g + 1)
    year = received.dt.year.to_numpy()
    width = max(4, len(str(n_g)))
    so_don = [f"{seq[i]:0{width}d}/{year[i]}/ĐT" for i in range(n_g)]
    kind_lbl, topic_lbl, status_lbl = KINDS.labels, TOPICS.labels, STATUSES.labels
    vi = rng.random((n_g, 3)) < 0.75

    def lab(keys: np.ndarray, labels: dict[str, str], use_vi: np.ndarray) -> list[str]:
        return [labels[k] if u else k for k, u in zip(keys, use_vi)]

    summary = {
        "compensation_price": "Đề nghị xem xét lại đơn giá bồi thường đất nông nghiệp",
        "area": "Diện tích kiểm đếm ít hơn diện tích trên giấy chứng nhận",
        "land_type": "Đề nghị xác định lại loại đất (đất vườn liền kề đất ở)",
        "resettlement": "Đề nghị được bố trí tái định cư gần nơi ở cũ",
        "support": "Đề nghị hỗ trợ chuyển đổi nghề, ổn định đời sống",
        "procedure": "Phản ánh việc niêm yết phương án chưa đúng thời gian",
        "other": "Phản ánh ảnh hưởng thi công (bụi, ngập úng, lối đi)",
    }
    out = pd.DataFrame(
        {
            "so_don": so_don,
            "ngay_nhan": received.dt.strftime("%d/%m/%Y"),
            "loai_don": lab(g["kind"].to_numpy(), kind_lbl, vi[:, 0]),
            "noi_dung": lab(g["topic"].to_numpy(), topic_lbl, vi[:, 1]),
            "so_nguoi_ky": g["sig"].to_numpy(),
            "trang_thai": lab(g["status"].to_numpy(), status_lbl, vi[:, 2]),
            "ngay_giai_quyet": np.where(closed, resolved.dt.strftime("%d/%m/%Y"), ""),
            "ma_ho": ma_ho,
            "ma_thon": ma_thon,
            "ma_du_an": proj,
            "kinh_do": lon,
            "vi_do": lat,
            "tom_tat": [
                (note or summary[t]) + (" (đơn tập thể)" if s >= 5 else "")
                for t, s, note in zip(g["topic"], g["sig"], g["note"])
            ],
        }
    )
    out = out.iloc[order].reset_index(drop=True)
    return out

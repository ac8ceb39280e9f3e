"""Show a benchmark result document: the table, the targets, the JSON file, the PNG chart.

Everything here reads the document runner.py builds (or one loaded back from latest.json), so a
saved result can be shown again without measuring again.
"""
import json
import os

LABELS = {"builtin": "built-in", "csocket": "csocket", "c": "C limit"}
NOISE = 0.97  # below this a "never slower" workload is a regression, not noise
MIB = 1024.0


def _ops(cell):
    return cell.get("ops_median")


def _fmt_ops(value):
    if value is None:
        return "n/a"
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= scale:
            return "%.3g%s" % (value / scale, unit)
    return "%.3g" % value


def _fmt_ratio(num, den):
    if num is None or den is None:
        return "-"
    return "%.2fx" % (num / den)


def _fmt_spread(cell):
    median = cell.get("ops_median")
    if median is None:
        return "-"
    low = 100.0 * (median - cell["ops_min"]) / median
    high = 100.0 * (cell["ops_max"] - median) / median
    return "-%.0f/+%.0f" % (low, high)


def _fmt_rss(cell):
    return "%.1f" % (cell["peak_rss_kib"] / MIB) if "peak_rss_kib" in cell else "-"


def header(doc):
    m = doc["machine"]
    s = doc["settings"]
    peer = {"c": "C peer (bench/peer.c)",
            "python": "PYTHON FALLBACK PEER (bench/pypeer.py; the C peer is faster, so "
                      "peer-bound workloads show smaller differences)"}[doc["peer"]]
    cpus = {"same": "peer and measured process pinned to one CPU", "split": "peer and measured "
            "process pinned to two CPUs", "none": "no CPU pinning"}[s.get("cpus", "none")]
    return [
        "csocket %s benchmark (%s), %s" % (doc["csocket_version"], doc["mode"], doc["date"]),
        "%s; %s CPUs: %s; %s; %s" % (m["python"], m["cpus"], m["cpu"], m["system"], m["libc"]),
        "%d rounds x %d values per process (min %.2gs each), interleaved built-in/csocket/C; %s"
        % (s["rounds"], s["values"], s["min_time"], cpus),
        "peer: " + peer,
    ] + _interference(doc)


def _interference(doc):
    other = doc.get("other_cpus")
    if other is None:
        return []
    line = "other processes used %.2f CPUs on average during the run" % other
    return [line + (" (a busy machine: spreads are wider than on a quiet one)" if other > 0.1 else "")]


def table(doc):
    """The main table: median ops/s per contender, ratios, spread, peak RSS."""
    lines = header(doc) + [""]
    width = max([len("workload")] + [len(w["title"]) for w in doc["workloads"]])
    lines.append(
        "%-*s %9s %9s %9s %7s %7s  %-26s %s"
        % (width, "", "built-in", "csocket", "C limit", "cs/", "cs/", "spread %: min/max vs median",
           "peak RSS MiB")
    )
    lines.append(
        "%-*s %9s %9s %9s %7s %7s  %8s %8s %8s  %5s %5s"
        % (width, "workload", "ops/s", "ops/s", "ops/s", "bi", "C", "bi", "cs", "C", "bi", "cs")
    )
    notes = []
    for w in doc["workloads"]:
        r = w["results"]
        bi, cs, c = r["builtin"], r["csocket"], r["c"]
        lines.append(
            "%-*s %9s %9s %9s %7s %7s  %8s %8s %8s  %5s %5s"
            % (width, w["title"], _fmt_ops(_ops(bi)), _fmt_ops(_ops(cs)), _fmt_ops(_ops(c)),
               _fmt_ratio(_ops(cs), _ops(bi)), _fmt_ratio(_ops(cs), _ops(c)),
               _fmt_spread(bi), _fmt_spread(cs), _fmt_spread(c), _fmt_rss(bi), _fmt_rss(cs))
        )
        for contender, cell in r.items():
            why = cell.get("error") or cell.get("na")
            if why:
                kind = "FAILED" if "error" in cell else "n/a"
                notes.append((w["name"], LABELS[contender], kind, why))
    if notes:
        lines += ["", "not measured:"] + _grouped(notes, len(doc["workloads"]))
    return lines


def _grouped(notes, nworkloads):
    """One line per contender that lacks every workload for one reason, else one per workload."""
    out = []
    for contender in LABELS.values():
        mine = [n for n in notes if n[1] == contender]
        if len(mine) == nworkloads > 1 and len({(n[2], n[3]) for n in mine}) == 1:
            out.append("  %s %s for every workload: %s" % (contender, mine[0][2], mine[0][3]))
        else:
            out += ["  %s / %s %s: %s" % n for n in mine]
    return out


def _workload(doc, name):
    return next((w for w in doc["workloads"] if w["name"] == name), None)


def _ratio(doc, name_a, contender_a, name_b, contender_b):
    a, b = _workload(doc, name_a), _workload(doc, name_b)
    if a is None or b is None:
        return None
    x, y = _ops(a["results"][contender_a]), _ops(b["results"][contender_b])
    return None if x is None or y is None else x / y


def targets(doc):
    """Each target with its measured value: list of (status, what, value, goal)."""
    out = []
    for w in doc["workloads"]:
        ratio = _ratio(doc, w["name"], "csocket", w["name"], "builtin")
        goal = w["target"]
        if ratio is None:
            status = "n/a"
        elif ratio >= goal:
            status = "PASS"
        elif goal == 1.0 and ratio >= NOISE:
            status = "NOISE"
        else:
            status = "FAIL"
        out.append((status, "%s: csocket/built-in" % w["title"], ratio, ">= %.1fx" % goal))
    for big, small in (("recv_262144", "recv_4096"), ("recvfrom_262144", "recvfrom_4096")):
        ratio = _ratio(doc, big, "csocket", small, "csocket")
        if _workload(doc, big) is not None:
            out.append((_status(ratio, 0.9), "csocket %s / %s" % (big, small), ratio, ">= 0.90"))
    for name in ("recv_into_64", "sendall_64"):
        if _workload(doc, name) is not None:
            ratio = _ratio(doc, name, "csocket", name, "c")
            out.append((_status(ratio, 0.9), "%s: csocket/C limit" % name, ratio, ">= 0.90"))
    out.append(_rss_target(doc))
    return out


def _status(value, goal):
    if value is None:
        return "n/a"
    return "PASS" if value >= goal else "FAIL"


def _rss_target(doc):
    worst, where = None, ""
    for w in doc["workloads"]:
        bi, cs = w["results"]["builtin"], w["results"]["csocket"]
        if "peak_rss_kib" in bi and "peak_rss_kib" in cs:
            delta = (cs["peak_rss_kib"] - bi["peak_rss_kib"]) / MIB
            if worst is None or delta > worst:
                worst, where = delta, w["name"]
    status = "n/a" if worst is None else ("PASS" if worst <= 1.0 else "FAIL")
    return (status, "peak RSS csocket - built-in (worst: %s), MiB" % where, worst, "<= +1.0")


def targets_lines(doc):
    lines = ["targets (NOISE: 0.97-1.0x, FAIL below 0.97x on a 'never slower' workload):"]
    rows = targets(doc)
    width = max(len(what) for _, what, _, _ in rows)
    for status, what, value, goal in rows:
        shown = "-" if value is None else ("%+.2f" % value if "RSS" in what else "%.2f" % value)
        lines.append("  %-5s %-*s %7s  (target %s)" % (status, width, what, shown, goal))
    return lines


def write_json(doc, path):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
        f.write("\n")


def chart(doc, path):
    """A PNG bar chart: each contender's median as a multiple of the built-in module's (log scale),
    min-max whiskers, the target of each workload as a tick.  Returns False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    rows = [w for w in doc["workloads"] if _ops(w["results"]["builtin"])]
    fig, ax = plt.subplots(figsize=(10, 0.42 * len(rows) + 1.8))
    height = 0.38
    for k, (contender, color) in enumerate((("csocket", "#2b7bb9"), ("c", "#bbbbbb"))):
        ys, xs, lo, hi = [], [], [], []
        for i, w in enumerate(rows):
            base, cell = _ops(w["results"]["builtin"]), w["results"][contender]
            if _ops(cell) is None:
                continue
            ys.append(i + (k - 0.5) * height)
            xs.append(_ops(cell) / base)
            lo.append(max(0.0, _ops(cell) - cell["ops_min"]) / base)
            hi.append(max(0.0, cell["ops_max"] - _ops(cell)) / base)
        # Bars grow from 1x (the built-in module): right when faster, left when slower.
        ax.barh(ys, [x - 1.0 for x in xs], left=1.0, height=height, color=color, xerr=[lo, hi],
                ecolor="#555555", capsize=2, label="%s / built-in" % LABELS[contender])
        if contender == "csocket":
            for y, x, h in zip(ys, xs, hi):
                ax.text(max(x + h, 1.0) * 1.05, y, "%.2fx" % x, va="center", fontsize=7)
    for i, w in enumerate(rows):
        ax.plot([w["target"]] * 2, [i - 0.45, i + 0.05], color="#d62728", linewidth=1.2)
        if _ops(w["results"]["csocket"]) is None:
            ax.text(1.05, i - 0.5 * height, "csocket: n/a", va="center", fontsize=7, color="#2b7bb9")
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([w["title"] for w in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("median ops/s relative to the built-in _socket (log scale); red tick: target")
    m = doc["machine"]
    ax.set_title("csocket vs built-in _socket vs C limit (%s)\n%s, %s CPUs %s, %s, peer: %s"
                 % (doc["mode"], doc["date"][:10], m["cpus"], m["cpu"], m["python"], doc["peer"]), fontsize=9)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True

"""Seeded generator of valid PromQL expressions over a known data set.

The generator knows the stored data (a DataModel: every series, when it starts,
its largest absolute value, the scrape phases) and the evaluation times of the
differential run, and builds expressions that are type-correct by construction
and avoid what legitimately differs between Prometheus 2.42 and Prometheus 3.x
semantics (see tests/integration/README.md, "Random expressions"):

  - left window edges: 3.x windows (range selectors, lookback, subquery ranges)
    are left-open, 2.42's closed. Every evaluation context carries the
    millisecond phase of its evaluation times; a range selector is only placed
    where its left edge's phase is well away from every scrape phase, and a
    subquery only where its left edge cannot fall on one of its own (whole
    second) steps;
  - rate/increase extrapolation (2.42 limits the extrapolation to the counter's
    zero point before capping it at half an interval, 3.x after): only over raw
    range selectors of counters whose every series exists from the data's start,
    in windows that lie inside the data;
  - functions and aggregations 2.42 lacks (limitk, limit_ratio, info,
    double_exponential_smoothing, mad_over_time, ts_of_*, sort_by_label, ...) and
    holt_winters (renamed in 3.x) are never generated;
  - vector atan2 keeps __name__ in 2.42: its operands never carry a name;
  - 2.42 moves an @-pinned range of predict_linear along a range query's steps
    (prometheus#11708, fixed in 2.50): predict_linear's range never has an @.

Each generated expression comes with facts the comparison needs: whether the
top level is a sort (answer order matters), the topk/bottomk arguments (to
recognise ties), the stddev/stdvar arguments (3.x answers NaN for a group whose
first value is NaN or ±Inf, 2.42 0) and a magnitude scale (to recognise sums
that cancel).
"""
import collections
import math
import random
import re

COUNTER_SUFFIXES = ("_total", "_count", "_sum")
SCRAPE_EDGE_MARGIN_MS = 20

RANGE_FUNCS_ANY = ["delta", "idelta", "irate", "deriv", "changes", "resets", "avg_over_time", "min_over_time",
                   "max_over_time", "sum_over_time", "count_over_time", "stddev_over_time", "stdvar_over_time",
                   "last_over_time", "present_over_time", "absent_over_time"]
MATH_FUNCS = ["abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sgn", "sin", "cos", "tan", "asin",
              "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "deg", "rad"]
DATE_FUNCS = ["minute", "hour", "day_of_week", "day_of_month", "day_of_year", "days_in_month", "month", "year"]
SIMPLE_AGGS = ["sum", "min", "max", "avg", "count", "group", "stddev", "stdvar"]
ARITH_OPS = ["+", "-", "*", "/", "%", "^", "atan2"]
CMP_OPS = ["==", "!=", ">", "<", ">=", "<="]
SET_OPS = ["and", "or", "unless"]


def fmt_num(v):
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return repr(v)


def num_value(text):
    """The value of a number literal this generator writes (decimal, hex, NaN, Inf)."""
    return float(int(text, 16)) if text.startswith("0x") else float(text)


def fmt_duration(ms):
    """Prometheus duration text for a positive number of milliseconds (e.g. 1m5s, 2s500ms)."""
    parts = []
    for unit, size in (("h", 3600000), ("m", 60000), ("s", 1000), ("ms", 1)):
        if ms >= size:
            parts.append("%d%s" % (ms // size, unit))
            ms %= size
    return "".join(parts)


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class DataModel:
    """What the generator needs to know about the stored data.

    series: {metric name: [label dict without __name__]}; first_ms: {metric name: latest
    first-sample time over its series}; max_abs: {metric name: largest |value|};
    data_start_ms / data_end_ms: the span every full series covers; phases: scrape phases (ms).
    """

    def __init__(self, series, first_ms, max_abs, data_start_ms, data_end_ms, phases):
        self.series = series
        self.first_ms = first_ms
        self.max_abs = max_abs
        self.data_start_ms = data_start_ms
        self.data_end_ms = data_end_ms
        self.phases = sorted(phases)
        self.names = sorted(series)
        # Series present from the first scrape on (within one interval).
        self.full_span = {n for n in self.names if first_ms[n] <= data_start_ms + 1000}
        self.counters = [n for n in self.names if n.endswith(COUNTER_SUFFIXES) and n in self.full_span]
        self.gauges = [n for n in self.names if not n.endswith(COUNTER_SUFFIXES + ("_bucket",))]
        self.buckets = [n for n in self.names if n.endswith("_bucket") and
                        all("le" in ls for ls in series[n])]

    def phase_safe(self, phase_ms):
        """A window edge at this millisecond phase is far from every sample."""
        d = min(min((phase_ms - p) % 1000, (p - phase_ms) % 1000) for p in self.phases)
        return d >= SCRAPE_EDGE_MARGIN_MS

    def label_names(self, metric):
        names = set()
        for ls in self.series[metric]:
            names.update(ls)
        return sorted(names)

    def label_values(self, metric, label):
        return sorted({ls[label] for ls in self.series[metric] if label in ls})


class Times:
    """The evaluation times of the run: instant times and the range query (seconds, all on one
    millisecond phase), and the latest time whose data both servers are known to hold."""

    def __init__(self, instants, r_start, r_end, step_s, latest_safe):
        self.instants = list(instants)
        self.r_start, self.r_end, self.step_s = r_start, r_end, step_s
        self.tmin = min(self.instants + [r_start])
        self.tmax = max(self.instants + [r_end])
        self.latest_safe = latest_safe
        self.phase = int(round(self.tmin * 1000)) % 1000


class Ctx:
    """Where a subexpression is evaluated: the span of its evaluation times (s), their ms phase, and
    whether they differ from the query's own times (offset, @, subquery)."""

    def __init__(self, tmin, tmax, phase, shifted=False, depth=0, in_subquery=False):
        self.tmin, self.tmax, self.phase = tmin, tmax, phase
        self.shifted, self.depth, self.in_subquery = shifted, depth, in_subquery

    def deeper(self):
        return Ctx(self.tmin, self.tmax, self.phase, self.shifted, self.depth + 1, self.in_subquery)


class Expr:
    """A generated (sub)expression: text, value type, whether its series may carry __name__, and a
    rough magnitude of its values."""

    def __init__(self, text, typ, named=False, scale=1.0):
        self.text, self.typ, self.named, self.scale = text, typ, named, scale


class Generated:
    def __init__(self, text, ordered, probes, scale, subexprs):
        # probes: (exclusion reason, argument text) to check on Prometheus when the answers differ
        self.text, self.ordered, self.probes, self.scale = text, ordered, probes, scale
        self.subexprs = subexprs  # the instant-vector subexpressions, each a valid query on its own


class Generator:
    def __init__(self, model, times, seed, max_depth=4):
        self.m = model
        self.t = times
        self.rng = random.Random(seed)
        self.max_depth = max_depth
        self.probes = []
        self.subexprs = []
        self.avoided = collections.Counter()  # candidates rejected while generating, by reason
        self.prefer = None  # a metric to favour (the other operand's), so that binary operands match
        self.last_metric = None

    # ---- entry point -------------------------------------------------------------------------

    def expression(self):
        """One top-level expression (instant vector or scalar)."""
        self.probes = []
        self.subexprs = []
        ctx = Ctx(self.t.tmin, self.t.tmax, self.t.phase)
        r = self.rng.random()
        ordered = False
        if r < 0.08:
            e = self.vector(ctx.deeper())
            e = Expr("%s(%s)" % (self.rng.choice(["sort", "sort_desc"]), e.text), "vector", e.named, e.scale)
            ordered = True
        elif r < 0.15:
            e = self.scalar(ctx)
        else:
            e = self.vector(ctx)
        return Generated(e.text, ordered, list(self.probes), e.scale, self.subexprs)

    # ---- helpers -----------------------------------------------------------------------------

    def pick(self, weighted):
        """weighted: [(weight, fn)] -> fn() of a weighted choice."""
        total = sum(w for w, _ in weighted)
        x = self.rng.random() * total
        for w, fn in weighted:
            x -= w
            if x < 0:
                return fn()
        return weighted[-1][1]()

    def metric(self, kind=None):
        if self.prefer and kind is None and self.rng.random() < 0.7:
            return self.prefer
        pool = {"counter": self.m.counters, "gauge": self.m.gauges, "bucket": self.m.buckets}.get(kind, self.m.names)
        pool = pool or self.m.names
        several = [n for n in pool if len(self.m.series[n]) >= 3]
        if several and self.rng.random() < 0.5:  # more series make matching and grouping meaningful
            return self.rng.choice(several)
        return self.rng.choice(pool)

    def matchers(self, metric):
        """0-3 label matchers over metric's labels, every matcher type, empty values included."""
        out = []
        labels = self.m.label_names(metric)
        several = [l for l in labels if len(self.m.label_values(metric, l)) >= 2]
        for _ in range(self.rng.choice([0, 0, 1, 1, 1, 2, 3])):
            r = self.rng.random()
            if several and r < 0.6:
                name = self.rng.choice(several)
            elif labels and r < 0.9:
                name = self.rng.choice(labels)
            else:
                name = self.rng.choice(["nolabel", "cpu", "job", "device"])
            values = self.m.label_values(metric, name)
            # A label with one value: a negative matcher would mostly select nothing.
            op = self.rng.choice(["=", "!=", "=~", "!~"] if len(values) != 1 else ["=", "=~", "=", "=~", "!=", "!~"])
            v = self.rng.choice(values) if values else "x"
            choice = self.rng.random()
            if choice < 0.15:
                val = ""  # empty-value matchers: = "" means "label absent"
            elif op in ("=~", "!~"):
                val = self.regex(values) if choice < 0.7 else re.escape(v)
            else:
                val = v
            out.append("%s%s%s" % (name, op, quote(val)))
        return out

    def regex(self, values):
        r = self.rng.random()
        if not values or r < 0.15:
            return self.rng.choice([".*", ".+", "x|y", "(a|b).*"])
        v = self.rng.choice(values)
        if r < 0.4:
            return re.escape(v[: max(1, len(v) // 2)]) + ".*"
        if r < 0.7:
            return "|".join(re.escape(x) for x in self.rng.sample(values, min(len(values), 2)))
        if r < 0.85:
            return ".*" + re.escape(v[-1:])
        return re.escape(v)

    def selector(self, metric=None, kind=None, exact_name=False):
        """An instant-vector selector text (metric name or __name__ matcher, plus matchers); with
        exact_name it selects only the one metric."""
        metric = metric or self.metric(kind)
        self.last_metric = metric
        ms = self.matchers(metric)
        r = self.rng.random()
        if r < 0.08 and not exact_name:
            prefix = metric[: max(3, len(metric) * 2 // 3)]
            ms.insert(0, "__name__=~%s" % quote(re.escape(prefix) + ".*"))
            return "{%s}" % ", ".join(ms), metric
        if r < 0.14:
            ms.insert(0, "__name__=%s" % quote(metric))
            return "{%s}" % ", ".join(ms), metric
        return metric + ("{%s}" % ", ".join(ms) if ms else ""), metric

    def offset_ms(self, ctx, allow_negative=True):
        """An offset (ms; 0 = none) keeping the context's times within the data both servers hold."""
        r = self.rng.random()
        if r < 0.6:
            return 0
        if r < 0.68 and allow_negative:
            neg = -self.rng.choice([1000, 2000, 500])
            if ctx.tmax - neg / 1000.0 <= self.t.latest_safe:
                return neg
            return 0
        if r < 0.73:
            return 60000  # before the data: empty
        return self.rng.choice([1000, 2000, 3000, 5000, 7000, 10000, 1500, 2300])

    def modifiers(self, ctx, edge_ms=0, need_edge_safe=True, sub_edge=False, allow_negative=True, allow_at=True):
        """Chooses offset and @ for a selector/subquery evaluated in ctx whose window reaches edge_ms
        back. Returns (text, new ctx of the shifted evaluation times) or None when nothing fits."""
        for _ in range(8):
            off = self.offset_ms(ctx, allow_negative)
            at = None
            if self.rng.random() < 0.12:
                at = self.rng.choice(["start()", "end()", "t"])
                if not allow_at:
                    self.avoided["@ on predict_linear's range"] += 1
                    at = None
            if at is None:
                tmin, tmax, phase = ctx.tmin - off / 1000.0, ctx.tmax - off / 1000.0, (ctx.phase - off) % 1000
            else:
                if at == "t":
                    at_s = round(self.rng.uniform(self.t.tmin - 8, self.t.tmax), 0) + self.t.phase / 1000.0
                    at_s = min(at_s, self.t.tmax)
                    at = "%.3f" % at_s
                    lo = hi = at_s - off / 1000.0
                else:
                    lo, hi = self.t.tmin - off / 1000.0, self.t.tmax - off / 1000.0
                tmin, tmax, phase = lo, hi, (self.t.phase - off) % 1000
            if tmax > self.t.latest_safe:
                self.avoided["evaluation after the newest common sample"] += 1
                continue
            edge_phase = (phase - edge_ms) % 1000
            if need_edge_safe and not self.m.phase_safe(edge_phase):
                self.avoided["range window left edge near a sample"] += 1
                continue
            if sub_edge and edge_phase == 0:
                self.avoided["subquery left edge on a subquery step"] += 1
                continue
            text = ""
            if at is not None:
                text += " @ " + at
            if off:
                text += " offset " + ("-" + fmt_duration(-off) if off < 0 else fmt_duration(off))
            shifted = ctx.shifted or bool(off) or at is not None
            return text, Ctx(tmin, tmax, phase, shifted, ctx.depth + 1, ctx.in_subquery)
        return None

    def range_ms(self):
        return self.rng.choice([2000, 3000, 5000, 5000, 10000, 10000, 15000, 20000, 30000, 60000, 1000, 2500,
                                4500, 3600000])

    # ---- instant vectors ---------------------------------------------------------------------

    def vector(self, ctx):
        e = self._vector(ctx)
        self.subexprs.append(e.text)
        return e

    def _vector(self, ctx):
        if ctx.depth >= self.max_depth:
            return self.pick([(6, lambda: self.vector_selector(ctx)), (2, lambda: self.range_call(ctx)),
                              (1, lambda: Expr("vector(%s)" % self.number_text(), "vector"))])
        return self.pick([
            (10, lambda: self.vector_selector(ctx)),
            (10, lambda: self.range_call(ctx)),
            (10, lambda: self.aggregation(ctx)),
            (9, lambda: self.binary(ctx)),
            (5, lambda: self.math_call(ctx)),
            (3, lambda: self.clamp_round(ctx)),
            (3, lambda: self.label_call(ctx)),
            (2, lambda: self.histogram_quantile(ctx)),
            (2, lambda: self.absent(ctx)),
            (2, lambda: self.date_call(ctx)),
            (2, lambda: self.misc_vector(ctx)),
            (2, lambda: self.unary_minus(ctx)),
        ])

    def vector_selector(self, ctx):
        text, metric = self.selector()
        mod = self.modifiers(ctx, need_edge_safe=False)
        if mod and self.rng.random() < 0.5:
            text += mod[0]
        return Expr(text, "vector", True, self.m.max_abs.get(metric, 1.0) or 1.0)

    def range_selector(self, ctx, kind=None, inside_data=False, allow_at=True):
        """(text, metric, new ctx) of a range selector evaluated in ctx, or None."""
        if ctx.in_subquery and not self.m.phase_safe(ctx.phase):
            self.avoided["range window left edge near a sample"] += 1
            return None
        for _ in range(6):
            rng_ms = self.range_ms()
            mod = self.modifiers(ctx, edge_ms=rng_ms, allow_negative=not inside_data, allow_at=allow_at)
            if mod is None:
                continue
            text, sub = mod
            if inside_data and sub.tmin - rng_ms / 1000.0 < self.m.data_start_ms / 1000.0 + 1.5:
                self.avoided["rate/increase window reaching before the data"] += 1
                continue
            sel, metric = self.selector(kind=kind, exact_name=inside_data)
            return "%s[%s]%s" % (sel, fmt_duration(rng_ms), text), metric
        return None

    def matrix(self, ctx, kind=None, inside_data=False, allow_subquery=True, allow_at=True):
        """A range-vector argument: a range selector or (where its edges are safe) a subquery.
        Returns (text, scale) or None."""
        if allow_subquery and ctx.depth < self.max_depth - 1 and self.rng.random() < 0.25:
            sq = self.subquery(ctx, allow_at)
            if sq:
                return sq
        rs = self.range_selector(ctx, kind, inside_data, allow_at)
        if rs is None:
            return None
        return rs[0], self.m.max_abs.get(rs[1], 1.0) or 1.0

    def subquery(self, ctx, allow_at=True):
        step_ms = self.rng.choice([1000, 2000, 3000, 5000, None])
        rng_ms = self.rng.choice([5000, 10000, 15000, 20000, 30000])
        mod = self.modifiers(ctx, edge_ms=rng_ms, need_edge_safe=False, sub_edge=True, allow_at=allow_at)
        if mod is None:
            return None
        text, sub = mod
        # Steps are whole seconds: the subquery evaluates its inner expression on whole seconds.
        inner = Ctx(sub.tmin - rng_ms / 1000.0, sub.tmax, 0, True, ctx.depth + 1, True)
        e = self.vector(inner)
        step = fmt_duration(step_ms) if step_ms else ""
        return "(%s)[%s:%s]%s" % (e.text, fmt_duration(rng_ms), step, text), e.scale

    def range_call(self, ctx):
        r = self.rng.random()
        if r < 0.3:
            f = self.rng.choice(["rate", "increase"])
            m = self.matrix(ctx, kind="counter", inside_data=True, allow_subquery=False)
            if m is None:
                return self.vector_selector(ctx)
            scale = m[1] * (30 if f == "increase" else 1)
            return Expr("%s(%s)" % (f, m[0]), "vector", False, scale)
        if r < 0.4:
            m = self.matrix(ctx)
            if m is None:
                return self.vector_selector(ctx)
            phi = self.rng.choice(["0.5", "0.9", "0", "1", "0.25", "-0.5", "1.5", "NaN"])
            return Expr("quantile_over_time(%s, %s)" % (phi, m[0]), "vector", False, m[1])
        if r < 0.47:
            # (2.42 moves an @-pinned range along the steps of a range query for predict_linear, the
            # one @-unsafe function over a range; fixed in 2.50)
            m = self.matrix(ctx, allow_at=False)
            if m is None:
                return self.vector_selector(ctx)
            t = self.rng.choice(["60", "-30", "0", "3600", "1.5"])
            return Expr("predict_linear(%s, %s)" % (m[0], t), "vector", False, m[1] * (1 + abs(float(t))))
        f = self.rng.choice(RANGE_FUNCS_ANY)
        m = self.matrix(ctx)
        if m is None:
            return self.vector_selector(ctx)
        # last_over_time keeps the metric name; the others drop it.
        return Expr("%s(%s)" % (f, m[0]), "vector", f == "last_over_time", m[1] * 60)

    def grouping(self, ctx_hint_metric=None):
        labels = ["job", "instance", "mode", "cpu", "device", "le", "handler", "code", "quantile", "nolabel",
                  "__name__"]
        r = self.rng.random()
        if r < 0.4:
            return ""
        ls = self.rng.sample(labels, self.rng.choice([0, 1, 1, 2]))
        kw = "by" if r < 0.75 else "without"
        return "%s (%s) " % (kw, ", ".join(ls))

    def aggregation(self, ctx):
        e = self.vector(ctx.deeper())
        g = self.grouping()
        r = self.rng.random()
        if r < 0.6:
            op = self.rng.choice(SIMPLE_AGGS)
            if op in ("stddev", "stdvar"):
                # 3.x gives NaN for a group whose first value is NaN/±Inf, 2.42 0: the comparison
                # probes the argument, so only where it runs at the query's own times.
                if ctx.shifted:
                    self.avoided["stddev/stdvar away from the query's own times (NaN check impossible)"] += 1
                    op = "sum"
                else:
                    self.probes.append(("stddev/stdvar over NaN/Inf", e.text))
            scale = e.scale * (50 if op in ("sum", "count") else 1)
            return Expr("%s %s(%s)" % (op, g, e.text), "vector", False, scale)
        if r < 0.78 and ctx.shifted:
            self.avoided["topk/bottomk away from the query's own times (tie check impossible)"] += 1
        if r < 0.78 and not ctx.shifted:
            op = self.rng.choice(["topk", "bottomk"])
            k = self.rng.choice(["1", "2", "3", "0", "5"])
            self.probes.append(("topk/bottomk tie", e.text))
            return Expr("%s %s(%s, %s)" % (op, g, k, e.text), "vector", e.named, e.scale)
        if r < 0.9:
            phi = self.rng.choice(["0.5", "0.9", "0", "1", "0.25", "-1", "2", "NaN"])
            return Expr("quantile %s(%s, %s)" % (g, phi, e.text), "vector", False, e.scale)
        lbl = self.rng.choice(["value", "v", "job", "mode", "le"])
        return Expr("count_values %s(%s, %s)" % (g, quote(lbl), e.text), "vector", False, 1000)

    def binary(self, ctx):
        r = self.rng.random()
        if r < 0.35:  # vector op scalar / scalar op vector
            v = self.vector(ctx.deeper())
            s = self.scalar(ctx.deeper(), simple=True)
            op = self.rng.choice(ARITH_OPS[:-1] + CMP_OPS + ["atan2"])
            if op == "atan2" and v.named:
                self.avoided["atan2 on a named vector"] += 1
                op = "+"
            bool_ = " bool" if op in CMP_OPS and self.rng.random() < 0.4 else ""
            left, right = (v, s) if self.rng.random() < 0.6 else (s, v)
            named = v.named and op in CMP_OPS and not bool_
            return Expr("(%s) %s%s (%s)" % (left.text, op, bool_, right.text), "vector", named,
                        self.combine_scale(op, left.scale, right.scale))
        a = self.vector(ctx.deeper())
        saved = self.prefer
        if self.rng.random() < 0.5:
            self.prefer = self.last_metric
        b = self.vector(ctx.deeper())
        self.prefer = saved
        kind = self.rng.random()
        if kind < 0.3:
            op = self.rng.choice(SET_OPS)
            match = self.matching(allow_group=False)
            named = a.named or (op == "or" and b.named)
            return Expr("(%s) %s%s (%s)" % (a.text, op, match, b.text), "vector", named, max(a.scale, b.scale))
        op = self.rng.choice(ARITH_OPS + CMP_OPS)
        if op == "atan2" and (a.named or b.named):
            self.avoided["atan2 on a named vector"] += 1
            op = "-"
        bool_ = " bool" if op in CMP_OPS and self.rng.random() < 0.4 else ""
        match = self.matching(allow_group=True)
        named = a.named and op in CMP_OPS and not bool_ and "group_right" not in match
        if "group_right" in match:
            named = b.named and op in CMP_OPS and not bool_
        return Expr("(%s) %s%s%s (%s)" % (a.text, op, bool_, match, b.text), "vector", named,
                    self.combine_scale(op, a.scale, b.scale))

    @staticmethod
    def combine_scale(op, a, b):
        if op == "*":
            return a * b
        if op == "^":
            return 1e300
        if op in ("/", "%", "atan2"):
            return a
        return max(a, b)

    def matching(self, allow_group):
        r = self.rng.random()
        if r < 0.45:
            return ""
        labels = self.rng.sample(["job", "instance", "mode", "cpu", "device", "le", "handler", "nolabel"],
                                 self.rng.choice([0, 1, 1, 2]))
        kw = "on" if r < 0.75 else "ignoring"
        text = " %s (%s)" % (kw, ", ".join(labels))
        if allow_group and self.rng.random() < 0.35:
            # (a label list always follows: "group_left (x)" would read "(x)" as its labels; and a
            # label may not be in both the on() and the group_x() list)
            extra = self.rng.sample([l for l in ["version", "mode", "cpu", "job", "goversion"] if l not in labels],
                                    self.rng.choice([0, 0, 1]))
            text += " %s (%s)" % (self.rng.choice(["group_left", "group_right"]), ", ".join(extra))
        return text

    def math_call(self, ctx):
        f = self.rng.choice(MATH_FUNCS)
        e = self.vector(ctx.deeper())
        scale = 1e300 if f in ("exp", "sinh", "cosh") else e.scale
        return Expr("%s(%s)" % (f, e.text), "vector", False, scale)

    def clamp_round(self, ctx):
        e = self.vector(ctx.deeper())
        r = self.rng.random()
        if r < 0.3:
            lo, hi = sorted([self.number_text(), self.number_text()], key=num_value)
            if self.rng.random() < 0.15:
                lo, hi = hi, lo
            return Expr("clamp(%s, %s, %s)" % (e.text, lo, hi), "vector", False, e.scale)
        if r < 0.55:
            return Expr("%s(%s, %s)" % (self.rng.choice(["clamp_min", "clamp_max"]), e.text, self.number_text()),
                        "vector", False, e.scale)
        if r < 0.8:
            return Expr("round(%s, %s)" % (e.text, self.rng.choice(["0.1", "1", "10", "0.001", "3", "-10", "0.3"])),
                        "vector", False, e.scale)
        return Expr("round(%s)" % e.text, "vector", False, e.scale)

    def label_call(self, ctx):
        e = self.vector(ctx.deeper())
        dst = self.rng.choice(["host", "job", "mode", "x", "instance", "__name__", "le"])
        src = self.rng.choice(["instance", "job", "mode", "cpu", "device", "nolabel", "__name__"])
        if self.rng.random() < 0.6:
            regex = self.rng.choice(["(.*)", "(.*):(.*)", "(i.*)", "", ".*", "nomatch", "(.+)_(.*)", "(x)?"])
            repl = self.rng.choice(["$1", "${1}_x", "$2", "", "y", "$1-$2"])
            named = e.named and dst != "__name__" or dst == "__name__"
            return Expr("label_replace(%s, %s, %s, %s, %s)" % (e.text, quote(dst), quote(repl), quote(src),
                                                               quote(regex)), "vector", named, e.scale)
        srcs = self.rng.sample(["instance", "job", "mode", "cpu", "nolabel", "__name__"], self.rng.choice([0, 1, 2, 3]))
        sep = self.rng.choice(["-", ",", "", "_"])
        args = ", ".join(quote(s) for s in srcs)
        named = e.named or dst == "__name__"
        return Expr("label_join(%s, %s, %s%s)" % (e.text, quote(dst), quote(sep), ", " + args if args else ""),
                    "vector", named, e.scale)

    def histogram_quantile(self, ctx):
        if not self.m.buckets:
            return self.vector_selector(ctx)
        phi = self.rng.choice(["0.5", "0.9", "0.99", "0", "1", "-1", "2", "NaN", "0.75"])
        metric = self.metric("bucket")
        r = self.rng.random()
        if r < 0.4:
            inner = metric + ("{%s}" % ", ".join(self.matchers(metric)) if self.rng.random() < 0.3 else "")
        else:
            rs = None
            for _ in range(4):
                rs = self.range_selector(ctx, kind="bucket", inside_data=True)
                if rs and rs[1] in self.m.full_span:
                    break
                rs = None
            if rs is None:
                inner = metric
            else:
                inner = "rate(%s)" % rs[0]
        if self.rng.random() < 0.6:
            by = self.rng.choice(["le", "le, handler", "le, job", "le, instance"])
            inner = "sum by (%s) (%s)" % (by, inner)
        return Expr("histogram_quantile(%s, %s)" % (phi, inner), "vector", False, 1e3)

    def absent(self, ctx):
        if self.rng.random() < 0.6:
            e = self.vector(ctx.deeper()) if self.rng.random() < 0.4 else Expr(self.selector()[0], "vector")
            if self.rng.random() < 0.3:
                e = Expr("nonexistent_metric{%s}" % ", ".join(self.matchers(self.metric())), "vector")
            return Expr("absent(%s)" % e.text, "vector", False, 1)
        m = self.matrix(ctx)
        if m is None:
            return Expr("absent(nonexistent_metric)", "vector", False, 1)
        return Expr("absent_over_time(%s)" % m[0], "vector", False, 1)

    def date_call(self, ctx):
        f = self.rng.choice(DATE_FUNCS)
        r = self.rng.random()
        if r < 0.3:
            return Expr("%s()" % f, "vector", False, 3000)
        if r < 0.6:
            return Expr("%s(timestamp(%s))" % (f, self.vector(ctx.deeper()).text), "vector", False, 3000)
        if r < 0.8:
            v = self.rng.choice(["1e9", "-1e9", "951782400", "0", "86399", "1.7e9", "4e9", "-86400", "-1",
                                 "1709251200", "1234567890.5", "-0.5", "-1.5", "-86400.5", "NaN", "+Inf", "1e16"])
            return Expr("%s(vector(%s))" % (f, v), "vector", False, 3000)
        return Expr("%s(%s)" % (f, self.vector(ctx.deeper()).text), "vector", False, 3000)

    def misc_vector(self, ctx):
        r = self.rng.random()
        if r < 0.3:
            return Expr("timestamp(%s)" % self.vector(ctx.deeper()).text, "vector", False, 3e9)
        if r < 0.55:
            s = self.scalar(ctx.deeper())
            return Expr("vector(%s)" % s.text, "vector", False, s.scale)
        if r < 0.7:
            return Expr("histogram_count(%s)" % self.vector(ctx.deeper()).text, "vector", False, 1)
        e = self.vector(ctx.deeper())
        return Expr("%s(%s)" % (self.rng.choice(["sort", "sort_desc"]), e.text), "vector", e.named, e.scale)

    def unary_minus(self, ctx):
        e = self.vector(ctx.deeper())
        return Expr("-(%s)" % e.text, "vector", False, e.scale)

    # ---- scalars -----------------------------------------------------------------------------

    def number_text(self):
        return self.rng.choice(["0", "1", "2", "0.5", "-1", "10", "100", "1e3", "0.001", "-0.25", "3", "1e9",
                                "NaN", "+Inf", "-Inf", "5", "0.1", "0x10", ".5", "Inf", "1e-3"])

    def scalar(self, ctx, simple=False):
        if simple or ctx.depth >= self.max_depth:
            r = self.rng.random()
            if r < 0.85:
                t = self.number_text()
                v = abs(num_value(t))
                return Expr(t, "scalar", False, v if math.isfinite(v) and v > 0 else 1)
            return Expr(self.rng.choice(["time()", "pi()"]), "scalar", False, 2e9)
        return self.pick([
            (4, lambda: self.scalar(ctx, simple=True)),
            (4, lambda: self.scalar_of(ctx)),
            (2, lambda: self.scalar_binary(ctx)),
            (1, lambda: Expr("-(%s)" % self.scalar(ctx.deeper()).text, "scalar", False, 1)),
        ])

    def scalar_of(self, ctx):
        e = self.vector(ctx.deeper())
        return Expr("scalar(%s)" % e.text, "scalar", False, e.scale)

    def scalar_binary(self, ctx):
        a, b = self.scalar(ctx.deeper()), self.scalar(ctx.deeper())
        op = self.rng.choice(ARITH_OPS + CMP_OPS)
        bool_ = " bool" if op in CMP_OPS else ""
        return Expr("(%s) %s%s (%s)" % (a.text, op, bool_, b.text), "scalar", False,
                    self.combine_scale(op, a.scale, b.scale))

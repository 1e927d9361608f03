#!/usr/bin/env python3
"""numpy_reference.py: the model's weekly customer step as plain vectorised
numpy, to measure the engine against on the same machine.

    numpy_reference.py [--binary AANDACHT] [CUSTOMERS] [WEEKS] [REPEATS]

The issue that set the engine's speed aim compares it with "a plain
vectorised numpy version of this model" (about 9 million customer-weeks per
second on one core, 180 bytes per customer, on a machine not named). This is
such a version, written the way a numpy user would: one array per customer
attribute (float64 for the continuous ones, small integers for brand and
experience), a neighbour table of degree columns, numpy's own generator
(PCG64), whole-array expressions, fancy indexing of the week's contacts,
np.bincount for every per-brand sum. It runs on one core (elementwise numpy
uses one thread).

What it does each week, as the engine (MODEL.md steps 2-10, docs/model.md):
contacts with probability 1 - exp(-lambda f_b (1 + k_v (l - 0.5))), class,
routing and automated success, escalation or frustration; dilution from the
brands' human demand against capacity; a random active employee of the
brand per human contact, attention, success, satisfaction (functional value,
success, attention with the scarcity premium, frustration, escalation, wait,
noise); deficit, expectation and loyalty (disconfirmation, reputation, share
of neighbours on the brand against its market share); promoter, passive or
detractor; forgetting without a contact; reconsidering by the sigmoid of
loyalty and choosing by multinomial logit with fixed Gumbel tastes, occasion
noise and word of mouth of the neighbours' brands and experiences (last
week's, a double buffer); warmth and load to the employees and their
engagement; the per-brand sums the engine observes every week. The brand
level (reputation, relational value, dilution, engagement) follows the
week's sums; the slow policies of the engine's brand step (staffing,
commoditisation, prices, events) are left out: they cost a few operations
per brand, not per customer. Its market is make bench's: 4 brands at
automation 0.1, 0.3, 0.5 and 0.7, the engine's default parameters.

It prints its rate, its contacts and reconsiderations per customer-week (to
set beside the engine's) and its peak memory per customer. Rates, not
assertions: the machine is shared and noisy.

The parameters are the engine's defaults, read from its parameter table
(`aandacht params --json`, generated from sim/param_table.def) when first
used, so they cannot drift from the engine's: the binary is --binary's, else
$AANDACHT_BINARY, else ./build/aandacht, else build/aandacht of the source
tree this file is in.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np

# the names used here -> the keys of the engine's parameter table
KEYS = dict(
    need_median="population.need_median", need_spread="population.need_spread",
    openness_median="population.openness_median", openness_spread="population.openness_spread",
    contact_rate="population.contact_rate", contact_spread="population.contact_spread",
    degree="network.degree", rewire="network.rewire",
    k_v="customer.loyalty_visits", mu="customer.deficit_rate", beta_x="customer.expectation_rate",
    loyalty_rate="customer.loyalty_rate", forget="customer.loyalty_forget", k_x="customer.k_disconfirm",
    k_rep="customer.k_reputation", k_soc="customer.k_social",
    nu="customer.switch_rate", l_crit="customer.switch_threshold", switch_s="customer.switch_softness",
    promoter_min="customer.promoter_min", detractor_max="customer.detractor_max",
    q_at="channel.success_transactional", q_ar="channel.success_relational", a_bot="channel.attention",
    capacity="employee.capacity", kappa="employee.rate", e0="employee.base", e_trait="employee.trait_spread",
    rho="employee.reciprocity", iota="employee.threat", omega="employee.overload", e_noise="employee.noise",
    q_h="employee.success_human", att_floor="employee.attention_floor", engaged_min="employee.engaged_min",
    w_F="satisfaction.w_functional", w_T="satisfaction.w_success", w_A="satisfaction.w_attention",
    theta="satisfaction.theta", w_X="satisfaction.w_frustration", w_E="satisfaction.w_escalation",
    w_W="satisfaction.w_wait", s_noise="satisfaction.noise",
    beta_F="choice.beta_functional", beta_p="choice.beta_price", beta_R="choice.beta_relational",
    beta_rep="choice.beta_reputation", beta_soc="choice.beta_social", beta_stay="choice.beta_stay",
    sigma_taste="choice.taste_scale", sigma_occ="choice.occasion_scale",
    rep_rate="market.reputation_rate", det_weight="market.detractor_weight",
    rel_memory="market.relational_memory",
    staff_per_1000="staff_per_1000",  # a brand key: the default of every brand
)


def find_binary(given=None):
    """The aandacht binary: given, else $AANDACHT_BINARY, else ./build/aandacht,
    else build/aandacht of this file's source tree."""
    if given:
        candidates = [Path(given)]
    elif os.environ.get("AANDACHT_BINARY"):
        candidates = [Path(os.environ["AANDACHT_BINARY"])]
    else:
        candidates = [Path("build") / "aandacht", Path(__file__).resolve().parents[1] / "build" / "aandacht"]
    for c in candidates:
        if c.is_file() and os.access(c, os.X_OK):
            return c
    raise RuntimeError(f"no aandacht binary at {' or '.join(map(str, candidates))}: build it (make build), "
                       f"or give it with --binary PATH or AANDACHT_BINARY")


def read_defaults(binary):
    """{name: default} for the names of KEYS, from `BINARY params --json`."""
    r = subprocess.run([str(binary), "params", "--json"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{binary} params --json failed (exit {r.returncode}): {r.stderr.strip()}")
    table = {e["key"]: e["default"] for e in json.loads(r.stdout)["parameters"]}
    missing = sorted(k for k in KEYS.values() if k not in table)
    if missing:
        raise RuntimeError(f"{binary} params --json has no {', '.join(missing)}")
    return {name: table[key] for name, key in KEYS.items()}


class Defaults(Mapping):
    """The engine's defaults under the names of KEYS, read on first use from
    the binary of use(), or the one find_binary finds."""

    def __init__(self):
        self._binary = None
        self._values = None

    def use(self, binary):
        self._binary = binary
        self._values = None

    def load(self):
        """The values (read now if not yet); RuntimeError when there is no binary."""
        if self._values is None:
            self._values = read_defaults(find_binary(self._binary))
        return self._values

    def __getitem__(self, name):
        return self.load()[name]

    def __iter__(self):
        return iter(self.load())

    def __len__(self):
        return len(self.load())


P = Defaults()


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


class Market:
    def __init__(self, n, seed=1):
        p = P
        self.n = n
        self.rng = rng = np.random.default_rng(seed)
        nb = self.nb = 4
        self.auto = np.array([0.1, 0.3, 0.5, 0.7])
        self.F = np.full(nb, 0.55)  # the default quality, promotion and place: 0.5 q + 0.25 m + 0.25 v
        self.price = np.ones(nb)
        self.rep = np.zeros(nb)
        self.att_rel = np.full(nb, 0.4)
        self.sigma = 0.5
        self.g = np.full(nb, 0.5)
        # customers
        self.need = logistic(np.log(p["need_median"] / (1 - p["need_median"])) + p["need_spread"] * rng.standard_normal(n))
        self.open = logistic(np.log(p["openness_median"] / (1 - p["openness_median"])) + p["openness_spread"] * rng.standard_normal(n))
        s = p["contact_spread"]
        self.rate = p["contact_rate"] * np.exp(s * rng.standard_normal(n) - 0.5 * s * s)
        self.loyalty = np.full(n, 0.5)
        self.expect = np.full(n, 0.5)
        self.deficit = np.zeros(n)
        self.taste = rng.gumbel(size=(n, nb))
        self.brand = rng.integers(0, nb, n).astype(np.int8)
        self.exper = np.zeros(n, np.int8)
        # Watts-Strogatz: deg/2 on each side, each link rewired with probability rewire
        half = p["degree"] // 2
        offs = np.r_[np.arange(-half, 0), np.arange(1, half + 1)]
        self.nbrs = ((np.arange(n)[:, None] + offs[None, :]) % n).astype(np.int32)
        rew = rng.random(self.nbrs.shape) < p["rewire"]
        self.nbrs[rew] = rng.integers(0, n, int(rew.sum()))
        # employees, grouped by brand
        per = np.maximum(1, np.round(n / nb * p["staff_per_1000"] / 1000 * (1 - self.auto) / (1 - self.auto[0]))).astype(np.int64)
        self.emp_off = np.r_[0, np.cumsum(per)]
        self.e_brand = np.repeat(np.arange(nb), per)
        self.eng = np.clip(p["e0"] + p["e_trait"] * rng.standard_normal(self.emp_off[-1]), 0, 1)
        self.H = per
        self.stats = dict(contacts=0, recon=0, weeks=0)

    def step(self):
        p, rng, n, nb = P, self.rng, self.n, self.nb
        b = self.brand.astype(np.intp)
        share = np.bincount(b, minlength=nb) / n
        brand_prev, exper_prev = self.brand.copy(), self.exper.copy()  # what neighbours see
        # 2. contacts, class, route, automated success
        l = self.loyalty
        lam = self.rate * (1 + p["k_v"] * (l - 0.5))
        contact = rng.random(n) < 1 - np.exp(-lam)
        c = np.flatnonzero(contact)
        bc = b[c]
        rel = rng.random(c.size) < self.need[c]
        auto = rng.random(c.size) < self.auto[bc]  # uniform routing
        ok = rng.random(c.size) < np.where(rel, p["q_ar"], p["q_at"])
        esc = auto & ~ok
        human = ~auto | esc
        # 3. dilution
        demand = np.bincount(bc[human], minlength=nb)
        dil = np.minimum(1.0, self.H * p["capacity"] / np.maximum(demand, 1))
        # 4. service: a random active employee of the brand
        emp = self.emp_off[bc] + (rng.random(c.size) * self.H[bc]).astype(np.int64)
        att = np.where(human, self.eng[emp] * dil[bc] * (p["att_floor"] + (1 - p["att_floor"]) * self.g[bc]),
                       p["a_bot"])
        succ = np.where(human, rng.random(c.size) < p["q_h"], ok)
        frus = ~human & ~ok
        # 6. satisfaction
        d = self.deficit[c]
        S = (p["w_F"] * self.F[bc] + p["w_T"] * succ + p["w_A"] * rel * att * (1 + p["theta"] * d)
             - p["w_X"] * frus - p["w_E"] * esc - p["w_W"] * (1 - dil[bc]) * human
             + p["s_noise"] * rng.standard_normal(c.size))
        S = np.clip(S, 0, 1)
        # 7. customer update
        x = self.expect[c]
        soc = np.count_nonzero(brand_prev[self.nbrs[c]] == bc[:, None], axis=1) / p["degree"]
        V = S + p["k_x"] * (S - x) + p["k_rep"] * self.rep[bc] + p["k_soc"] * (soc - share[bc])
        self.loyalty[c] = np.clip(l[c] + p["loyalty_rate"] * (V - l[c]), 0, 1)
        self.expect[c] = x + p["beta_x"] * (S - x)
        self.deficit[c] = np.where(rel, (1 - p["mu"]) * d + p["mu"] * (1 - att), d)
        prom, det = S >= p["promoter_min"], S < p["detractor_max"]
        self.exper[c] = prom.astype(np.int8) - det
        self.loyalty = np.where(contact, self.loyalty, self.loyalty + p["forget"] * (0.5 - self.loyalty))
        # 8. reconsidering and choice (multinomial logit, word of mouth of last week)
        psw = p["nu"] / (1 + np.exp(-(p["l_crit"] - self.loyalty) / p["switch_s"]))
        r = np.flatnonzero(rng.random(n) < psw)
        nbr = self.nbrs[r]
        onehot = brand_prev[nbr][:, :, None] == np.arange(nb)[None, None, :]
        score = (onehot * (1 + exper_prev[nbr])[:, :, None]).sum(axis=1)
        R = self.att_rel * (1 + p["theta"] * self.sigma)
        U = (p["beta_F"] * self.F - p["beta_p"] * self.price + p["beta_rep"] * self.rep)[None, :] \
            + p["beta_R"] * self.need[r][:, None] * R[None, :] + p["beta_soc"] / p["degree"] * score \
            + p["beta_stay"] * (np.arange(nb)[None, :] == b[r][:, None]) \
            + p["sigma_taste"] * self.taste[r] + p["sigma_occ"] * rng.gumbel(size=(r.size, nb))
        new = U.argmax(axis=1).astype(np.int8)
        moved = new != self.brand[r]
        self.brand[r] = new
        self.loyalty[r[moved]] = 0.5
        self.exper[r[moved]] = 0
        # 10. warmth and load to employees, engagement
        hc = human.nonzero()[0]
        ne = self.eng.size
        warm = np.bincount(emp[hc], weights=self.open[c[hc]] * att[hc], minlength=ne)
        load = np.bincount(emp[hc], minlength=ne)
        W = warm / np.maximum(load, 1)
        target = p["e0"] + p["rho"] * W - p["omega"] * np.maximum(0, load / p["capacity"] - 1)
        self.eng = np.clip(self.eng + p["kappa"] * (target - self.eng) + p["e_noise"] * rng.standard_normal(ne), 0, 1)
        # 12. the week's per-brand sums, 9. reputation and relational value
        bn = self.brand.astype(np.intp)
        sums = dict(
            customers=np.bincount(bn, minlength=nb), loyalty=np.bincount(bn, self.loyalty, nb),
            deficit=np.bincount(bn, self.deficit, nb), visits=np.bincount(bc, minlength=nb),
            human=np.bincount(bc, human, nb), auto=np.bincount(bc, auto, nb), esc=np.bincount(bc, esc, nb),
            frus=np.bincount(bc, frus, nb), att=np.bincount(bc, att, nb), att_rel=np.bincount(bc, att * rel, nb),
            rel=np.bincount(bc, rel, nb), sat=np.bincount(bc, S, nb), prom=np.bincount(bc, prom, nb),
            det=np.bincount(bc, det, nb),
            engaged=np.bincount(self.e_brand, self.eng >= p["engaged_min"], nb),
        )
        v = np.maximum(sums["visits"], 1)
        self.rep += p["rep_rate"] * ((sums["prom"] - p["det_weight"] * sums["det"]) / v - self.rep)
        self.att_rel += p["rel_memory"] * (sums["att_rel"] / np.maximum(sums["rel"], 1) - self.att_rel)
        self.sigma = 1 - sums["att"].sum() / max(sums["visits"].sum(), 1)
        self.stats["contacts"] += c.size
        self.stats["recon"] += r.size
        self.stats["weeks"] += 1
        return sums


def main():
    ap = argparse.ArgumentParser(description="The model's customer step as plain numpy, timed.")
    ap.add_argument("--binary", help="the aandacht binary whose defaults to use (default: $AANDACHT_BINARY, "
                    "else ./build/aandacht)")
    ap.add_argument("customers", nargs="?", type=int, default=1_000_000)
    ap.add_argument("weeks", nargs="?", type=int, default=10)
    ap.add_argument("repeats", nargs="?", type=int, default=3)
    a = ap.parse_args()
    n, weeks, repeats = a.customers, a.weeks, a.repeats
    P.use(a.binary)
    try:
        P.load()
    except RuntimeError as e:
        print(f"numpy_reference: {e}", file=sys.stderr)
        sys.exit(2)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rates = []
    m = None
    for rep in range(repeats):
        m = Market(n, seed=1 + rep)
        for _ in range(3):  # untimed: let the first weeks' allocations settle
            m.step()
        t0 = time.perf_counter()
        for _ in range(weeks):
            m.step()
        rates.append(n * weeks / (time.perf_counter() - t0))
        if rep + 1 < repeats:
            del m
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - rss0
    s = m.stats
    print(f"numpy_reference: {n} customers, {weeks} weeks, {repeats} repeats, numpy {np.__version__}")
    print(f"median {statistics.median(rates) / 1e6:.2f} million customer-weeks per second on one core "
          f"(runs: {', '.join(f'{r / 1e6:.2f}' for r in rates)})")
    print(f"per customer-week: {s['contacts'] / (n * s['weeks']):.3f} contacts, "
          f"{s['recon'] / (n * s['weeks']):.4f} reconsidering")
    print(f"peak resident memory: {peak / n:.0f} bytes per customer")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""numpy_reference.py: the model's weekly customer step as plain vectorised
numpy, to measure the engine against on the same machine.

    numpy_reference.py [CUSTOMERS] [WEEKS] [REPEATS]

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
"""

import resource
import statistics
import sys
import time

import numpy as np

# the engine's defaults (aandacht params)
P = dict(
    need_median=0.45, need_spread=1.2, openness_median=0.5, openness_spread=1.0,
    contact_rate=0.6, contact_spread=0.5, degree=8, rewire=0.1,
    k_v=0.6, mu=0.1, beta_x=0.1, loyalty_rate=0.15, forget=0.01, k_x=1.0, k_rep=0.2, k_soc=0.3,
    nu=0.04, l_crit=0.60, switch_s=0.06, promoter_min=0.72, detractor_max=0.45,
    q_at=0.95, q_ar=0.55, a_bot=0.0, capacity=60, kappa=0.05, e0=0.45, rho=0.25, iota=1.0,
    omega=0.5, e_noise=0.02, q_h=0.90,
    w_F=0.6, w_T=0.25, w_A=0.3, theta=1.0, w_X=0.3, w_E=0.1, w_W=0.25, s_noise=0.1,
    beta_F=3.0, beta_p=0.06, beta_R=2.5, beta_rep=1.0, beta_soc=1.0, beta_stay=0.5,
    sigma_taste=1.0, sigma_occ=1.0, rep_rate=0.05, det_weight=2.0, rel_memory=0.1,
    staff_per_1000=7.0,
)


def logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


class Market:
    def __init__(self, n, seed=1):
        p = P
        self.n = n
        self.rng = rng = np.random.default_rng(seed)
        nb = self.nb = 4
        self.auto = np.array([0.1, 0.3, 0.5, 0.7])
        self.F = np.array([0.62, 0.60, 0.58, 0.56])
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
        self.eng = np.clip(0.45 + 0.15 * rng.standard_normal(self.emp_off[-1]), 0, 1)
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
        att = np.where(human, self.eng[emp] * dil[bc] * (0.6 + 0.4 * self.g[bc]), p["a_bot"])
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
            engaged=np.bincount(self.e_brand, self.eng >= 0.65, nb),
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
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    weeks = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
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

"""Sensitivity tables of a sweep for report.html: Sobol first and total
indices (saltelli sweeps) or Morris mu*, sigma (morris sweeps), each with
its bootstrap interval, for the outcomes the sweep charts show.

`index_tables(d)` returns [] for other designs, else a list of
{title, header, rows, note} with rows of already formatted cells. The
numbers come from aandacht.sensitivity (docs/sweep-analysis.md).
"""
import numpy as np


def _ci(v, lo, hi):
    if not np.isfinite(v):
        return "\u2013"
    return f"{v:.3g} [{lo:.3g}, {hi:.3g}]"


def index_tables(d, resamples=1000, seed=0):
    design = str(d["attrs"].get("sweep_design", ""))
    if d["kind"] != "sweep" or design not in ("saltelli", "morris"):
        return []
    try:
        from . import sensitivity as sa
        from .sweepdata import Sweep, default_outcomes, outcome_label, param_label
    except ImportError:    # the sweep analysis modules are not installed: no tables
        return []
    sw = Sweep(d)
    out = []
    for outcome in default_outcomes(sw):
        label = outcome_label(outcome)
        try:
            res = sa.sweep_sensitivity(d, sw.reducer(outcome), resamples=resamples, seed=seed)
        except (ValueError, KeyError) as e:
            out.append(dict(title=label, header=[], rows=[], note=f"no indices: {e}"))
            continue
        names = [param_label(p, sw.brands) for p in res.parameters]
        level = f"{100 * res.level:.0f} %"
        if design == "saltelli":
            header = ["parameter", f"first-order S1 [{level} interval]", f"total ST [{level} interval]"]
            rows = [[n, _ci(res.S1[j], *res.S1_ci[j]), _ci(res.ST[j], *res.ST_ci[j])]
                    for j, n in enumerate(names)]
            note = (f"{res.n_base} base rows ({res.dropped} dropped), {res.resamples} bootstrap resamples; "
                    f"replications: {res.replications}")
        else:
            header = ["parameter", f"mu* [{level} interval]", f"sigma [{level} interval]", "mu"]
            rows = [[n, _ci(res.mu_star[j], *res.mu_star_ci[j]), _ci(res.sigma[j], *res.sigma_ci[j]),
                     f"{res.mu[j]:+.3g}"] for j, n in enumerate(names)]
            note = (f"{res.trajectories} trajectories ({res.dropped} dropped), {res.resamples} bootstrap "
                    f"resamples; effects in the outcome's unit per full range of the parameter")
        out.append(dict(title=f"{label}: {'Sobol indices' if design == 'saltelli' else 'Morris screening'}",
                        header=header, rows=rows, note=note))
    return out

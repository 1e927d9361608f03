#!/usr/bin/env python3
"""Keeps the default values that docs/model.md states equal to the parameter
table (sim/param_table.def), the one source of defaults.

    tools/model_defaults.py [--binary build/aandacht] [--check | --list] [FILE]

Reads the table from `aandacht params --json` (and the keys of an event,
which are not in it, from `aandacht params --markdown`), finds each default
value that FILE (default docs/model.md) states, and rewrites those that
differ from the table in place (`make docs` runs it). --check changes
nothing: it lists them and exits 1 if there are any
(tests/python/test_docs_defaults.py). --list prints every value it tracks.
Exit status 2 when the binary cannot be run or a mention of MENTIONS is not
found exactly once (the text was rewritten: update MENTIONS).

A value is tracked when it is written
  - right after a parameter's key in backticks: `employee.base` 0.43,
    `network.rewire` (0.1), `channel.attention` (default 0),
    `channel.success_transactional` (q_at, 0.95), `x.y` = 2. The key may be
    a brand or event key, or the last part of a key when only one key ends
    so (`w_escalation`). So write a number right after a key that way only
    when it is that key's default;
  - or where a mention of MENTIONS places it (symbols in formulas and prose,
    the tipping table); each must be found exactly once.
Figures derived from defaults (percentages, products, results of runs) are
not tracked.
"""
import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# a number as the text writes it: 0.43, 8, 100,000
NUM = r"(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])|-?\d+(?:\.\d+)?(?![\d]))"

# `key` followed by its default
KEYED = re.compile(r"`([A-Za-z_][\w.\[\]]*)`(?:\s+\((?:default\s+|[A-Za-z_]\w*,\s+)?|\s+=\s+|\s+)" + NUM)

# (keys, text): the text around defaults, {N} where each number stands, in
# the order of keys; "KEY:max" for a range's bound. A space in the text
# stands for any white space (line breaks included).
MENTIONS = [
    # 2. entities
    (["employee.capacity"], "`employee.capacity` C contacts a week (default {N})"),
    (["market.weight_quality", "market.weight_promotion", "market.weight_place"], "(weights {N}, {N}, {N})"),
    (["scenario.warmup"], "`scenario.warmup` warm-up weeks (default {N})"),
    (["scenario.weeks", "scenario.weeks:max"], "`scenario.weeks` recorded weeks (default {N}, at most {N})"),
    (["population.customers"], "customers (default {N}; shipped scenarios"),
    (["staff_per_1000"], "(about {N} per 1,000 customers by default)"),
    # 3. process
    (["scenario.warmup_speedup"], "`scenario.warmup_speedup` (default {N}) at the redraw"),
    # 4. design concepts
    (["output.snapshot_every"], "every `output.snapshot_every` weeks (default {N})"),
    # 5. initialization
    (["population.need_median", "population.need_spread"], "need_spread * z1)   # {N}, {N}"),
    (["population.openness_median", "population.openness_spread"], "openness_spread * z2)   # {N}, {N}"),
    (["population.contact_rate"], "contact_spread^2 / 2)  # mean {N}"),
    # 7.2 - 7.4
    (["choice.beta_shock"], "`-choice.beta_shock × k_st × Stated_b` ({N})"),
    (["shock.loyalty_weight"], "`shock.loyalty_weight × k_st × Stated_b` ({N})"),
    (["network.degree"], "(degree {N}, even,"),
    (["customer.loyalty_visits"], "# k_v = customer.loyalty_visits = {N}"),
    (["customer.loyalty_forget"], "loyalty_forget * (0.5 - l)` ({N} a week)"),
    # 7.6 service
    (["employee.success_human", "employee.empowerment_effect"], "({N}, +{N} per money unit of weekly budget"),
    # 7.8 satisfaction
    (["satisfaction.w_functional", "satisfaction.w_price", "satisfaction.w_reference", "satisfaction.w_success",
      "satisfaction.w_frustration", "satisfaction.w_escalation", "satisfaction.w_wait", "satisfaction.w_attention",
      "satisfaction.theta"],
     "with w_F {N}, w_pv {N}, w_ref {N}, w_T {N}, w_X {N}, w_E {N}, w_W {N}, w_A {N}, theta {N}, pbar"),
    # 7.9 customer update
    (["customer.deficit_rate"], "relational contacts only; mu = {N}"),
    (["customer.loyalty_rate"], "loyalty_rate (V - l_i) ) loyalty_rate = {N}"),
    (["customer.expectation_rate"], "beta_x = {N}, after V"),
    (["customer.promoter_min", "customer.detractor_max"], "experience = promoter if S >= {N}, detractor if S < {N},"),
    (["customer.k_reputation"], "k_rep {N}, k_shock"),
    (["customer.k_social"], "k_soc {N}; n_ib"),
    # 7.10 choice
    (["customer.switch_rate", "customer.switch_threshold", "customer.switch_softness"],
     "# nu {N}, l_crit {N}, s {N}"),
    (["choice.beta_functional", "choice.beta_price", "choice.beta_reference", "choice.beta_reputation",
      "choice.beta_shock", "choice.beta_relational", "choice.beta_social", "choice.beta_stay", "choice.taste_scale",
      "choice.occasion_scale"],
     "with beta_F {N}, beta_p {N} per money unit, beta_ref {N}, beta_rep {N}, beta_shock {N}, beta_R {N}, "
     "beta_soc {N}, beta_stay {N}, sigma_taste {N}, sigma_occ {N};"),
    (["choice.price_memory"], "at its end; T_ref {N} weeks"),
    # 7.11 - 7.13
    (["market.detractor_weight"], "# delta = market.detractor_weight = {N}"),
    (["market.reputation_rate"], "# rep_rate = {N} a week"),
    (["employee.ambassador_effect"], "# amb_effect = {N}"),
    (["market.relational_memory"], "# rel_memory = {N} a week"),
    (["channel.attention"], "(A = a_bot, {N} by default)"),
    (["employee.trait_spread"], "t_j the personal offset (sd {N})"),
    # 8.1 automation can win
    (["wage"], "about {N} / 51"),
    (["satisfaction.w_escalation"], "(w_E {N})"),
    # 10. status of the defaults
    (["channel.success_transactional", "channel.success_relational", "channel.attention"],
     "automated success rates {N} and {N} and the robot's attention {N}"),
    (["market.commoditisation", "market.price_adjust"], "commoditisation {N} and price adjustment {N} a year"),
    (["market.detractor_weight"], "detractor weight {N} (negativity bias)"),
    (["market.weight_quality", "market.weight_promotion", "market.weight_place"], "the P weights {N}/{N}/{N}"),
    (["network.degree", "network.rewire"], "the network degree {N} and rewiring {N}"),
    # 1.2 patterns
]


def mention_regex(text):
    parts = [re.escape(p).replace(r"\ ", r"\s+") for p in text.split("{N}")]
    return re.compile(NUM.join(parts))


def tip_rows(table):
    """The rows of the tipping table: | `name` (...) | yes | pi_k | delta_k |."""
    names = sorted({k.split(".")[1] for k in table if re.fullmatch(r"tipping\.\w+\.prob", k)})
    return [([f"tipping.{n}.prob", f"tipping.{n}.effect"],
             re.compile(rf"^\| `{n}` [^|\n]*\| (?:yes|no) \| {NUM} \| {NUM} \|", re.M)) for n in names]


def find_binary(given):
    if given:
        return Path(given)
    for c in (os.environ.get("AANDACHT_BINARY"), "build/aandacht", ROOT / "build" / "aandacht"):
        if c and Path(c).is_file():
            return Path(c)
    raise SystemExit("model_defaults: no aandacht binary: give --binary, set AANDACHT_BINARY or build build/aandacht")


def read_table(binary):
    """{key: entry} of the parameter table: the scenario-wide keys, the brand
    keys as written in a brand, and the event keys as events.KEY."""
    def params(*args):
        r = subprocess.run([str(binary), "params", *args], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"model_defaults: {binary} params {' '.join(args)} failed: {r.stderr.strip()}")
        return r.stdout
    table = {e["key"]: e for e in json.loads(params("--json"))["parameters"]}
    for key, default, rng in re.findall(r"^\| `events\.\[I\]\.(\w+)` \| real \| ([\d.]+) \| ([^|]*) \|",
                                        params("--markdown"), re.M):
        lo, hi = (float(x) for x in rng.split(" to "))
        table[f"events.{key}"] = {"key": f"events.{key}", "type": "real", "default": float(default),
                                  "min": lo, "max": hi}
    return table


def resolve(name, table):
    """The table's key a backticked name stands for, or None."""
    name = re.sub(r"^brands\.\[\w*\]\.", "", name)
    name = re.sub(r"^events\.?\[\w*\]\.", "events.", name)
    if name in table:
        return name
    if f"events.{name}" in table:
        return f"events.{name}"
    ends = [k for k in table if k.endswith("." + name)]
    return ends[0] if len(ends) == 1 else None


def value_of(table, ref):
    key, _, field = ref.partition(":")
    return table[key][field or "default"]


def tracked(text, table):
    """[(start, end, key ref, number text)] of every default the text
    states, in order; raises ValueError when a mention is not found once."""
    spans = {}
    problems = []

    def add(m, g, ref):
        s, e = m.span(g)
        if spans.get((s, e), (ref,))[0] != ref:
            problems.append(f"line {text.count(chr(10), 0, s) + 1}: {spans[(s, e)][0]} or {ref}?")
        spans[(s, e)] = (ref, m.group(g))

    for m in KEYED.finditer(text):
        key = resolve(m.group(1), table)
        if key and table[key]["type"] in ("real", "int"):
            add(m, 2, key)
    mentions = [(keys, mention_regex(t), t) for keys, t in MENTIONS]
    mentions += [(keys, rx, rx.pattern) for keys, rx in tip_rows(table)]
    for keys, rx, what in mentions:
        for ref in keys:
            if ref.partition(":")[0] not in table:
                problems.append(f"MENTIONS names {ref}, which is not in the parameter table")
        found = list(rx.finditer(text))
        if len(found) != 1:
            problems.append(f"{'not found' if not found else f'found {len(found)} times'}: {what!r} "
                            f"(the default of {', '.join(keys)})")
            continue
        for g, ref in enumerate(keys, 1):
            add(found[0], g, ref)
    if problems:
        raise ValueError("\n".join(problems))
    return sorted((s, e, ref, num) for (s, e), (ref, num) in spans.items())


def number(text):
    return float(text.replace(",", ""))


def written(value, like):
    """value in its shortest form, written the way `like` is: a whole
    number without a point if like has none, padded with zeros if like is
    (0.30), with thousands commas if like has them (100,000)."""
    v = float(value)
    shortest = repr(v) if "e" not in repr(v) else f"{v:.17f}".rstrip("0")
    decimals = len(shortest.split(".")[1]) if "." in shortest else 0
    if "." not in like and v == int(v):
        decimals = 0
    elif "." in like and like.endswith("0"):
        decimals = max(decimals, len(like.split(".")[1]))
    return f"{v:{',' if ',' in like else ''}.{decimals}f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", help="the aandacht binary (default: $AANDACHT_BINARY, else build/aandacht)")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing; exit 1 when a value differs")
    mode.add_argument("--list", action="store_true", help="print every value tracked")
    ap.add_argument("file", nargs="?", default=str(ROOT / "docs" / "model.md"))
    a = ap.parse_args()
    table = read_table(find_binary(a.binary))
    path = Path(a.file)
    if not os.path.relpath(path).startswith(".."):
        path = Path(os.path.relpath(path))
    text = path.read_text()
    try:
        found = tracked(text, table)
    except ValueError as e:
        print(f"model_defaults: {path}: the mentions of defaults in tools/model_defaults.py do not fit the "
              f"text (update MENTIONS):\n{e}", file=sys.stderr)
        return 2
    stale = []
    for s, e, ref, num in found:
        line = text.count("\n", 0, s) + 1
        want = value_of(table, ref)
        if a.list:
            print(f"{path}:{line}: {ref} {num}" + ("" if number(num) == float(want) else f" (table: {want})"))
        if number(num) != float(want):
            stale.append((s, e, ref, num, want, line))
    if a.list:
        return 0
    for s, e, ref, num, want, line in stale:
        print(f"{path}:{line}: {ref} is {num} here, {want} in the parameter table")
    if a.check:
        return 1 if stale else 0
    for s, e, ref, num, want, line in reversed(stale):
        text = text[:s] + written(want, num) + text[e:]
    if stale:
        path.write_text(text)
        print(f"{path}: {len(stale)} default{'s' if len(stale) > 1 else ''} rewritten from the parameter table")
    return 0


if __name__ == "__main__":
    sys.exit(main())

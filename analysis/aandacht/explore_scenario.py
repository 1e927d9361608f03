"""What `aandacht explore` does with a scenario: its levers, and the
scenario texts and `--set` options a page's settings make. No server and
no process here (explore.py runs the engine); every value from a page is
checked by the engine itself (`aandacht check`), never here.

The texts come from the engine's resolved configuration (`aandacht check
FILE`, itself a valid scenario file that gives the same run), read by
`parse`, a reader of the libconfig that `check` prints.

A page's settings are three kinds of levers:

- the market's: customers, whether tipping is the norm, and each claim's
  switch (`aandacht params --json`, "claims"). They make another market,
  with a warm-up of its own: `--set` options of the market text.
- a reputation shock (brand, recorded week, size; size 1 is the engine's
  default shock: 13 % of the brand's customers say they avoid it, its
  visits fall 7 %), added to the scenario's own events. Both the reference
  and the page's run have it: it acts in recorded weeks only, so the market
  keeps its warm-up.
- each brand's policy: its automation target and ramp (`--set` of the
  run: they act from week 0 on), and its routing, staffing, HR investment
  and markup from week 0 on, written as interventions of week 0 (so that a
  run branched from the warm-up of the reference and the same scenario run
  from the beginning give the same bytes, and the report's decision names
  them). The scenario's own interventions still apply at their weeks.
"""
import hashlib
import math
import re

# a brand's levers: (key, label, what a page shows)
AUTOMATION_LEVERS = ("automation.target", "automation.ramp_start", "automation.ramp_weeks")
WEEK0_LEVERS = ("routing", "staffing", "hr_investment", "markup")
BRAND_LEVERS = AUTOMATION_LEVERS + WEEK0_LEVERS
LABELS = {"automation.target": "automation target (share of contacts)",
          "automation.ramp_start": "ramp starts in week",
          "automation.ramp_weeks": "ramp takes (weeks)",
          "routing": "routing to the machine",
          "staffing": "staffing policy",
          "hr_investment": "HR investment (0 to 1)",
          "markup": "markup over unit cost (money per contact)",
          "population.customers": "customers",
          "tipping.enabled": "tipping is the norm",
          "shock.brand": "reputation shock hits",
          "shock.week": "in week",
          "shock.size": "size (1: 13 % say they avoid it, visits -7 %)"}
# the engine's default shock (docs/scenario-files.md, Events), which size scales
SHOCK_STATED, SHOCK_VISITS = 0.13, 0.07


class ScenarioError(Exception):
    """The scenario cannot be explored (the engine's message)."""


# ---------------------------------------------------------------- reading

_TOKEN = re.compile(r"""
    (?P<ws>\s+|\#[^\n]*|//[^\n]*|/\*.*?\*/)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)L{0,2})
  | (?P<word>[A-Za-z_*][A-Za-z0-9_*\-]*)
  | (?P<punct>[=:;,{}()\[\]])
""", re.S | re.X)


def _tokens(text):
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise ScenarioError(f"cannot read the configuration at {text[pos:pos + 30]!r}")
        pos = m.end()
        kind = m.lastgroup
        if kind != "ws":
            yield kind, m.group()


def _string(tok):
    body = tok[1:-1]
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", "r": "\r", "f": "\f"}.get(m.group(1), m.group(1)), body)


def parse(text):
    """The settings of a libconfig text as nested dicts and lists (groups
    as dicts, lists and arrays as lists; numbers as int or float, true and
    false as bool, strings as str). Adjacent strings are joined."""
    toks = list(_tokens(text))
    i = 0

    def value():
        nonlocal i
        kind, tok = toks[i]
        if tok == "{":
            i += 1
            return group("}")
        if tok in "([":
            close = ")" if tok == "(" else "]"
            i += 1
            out = []
            while toks[i][1] != close:
                out.append(value())
                if toks[i][1] == ",":
                    i += 1
            i += 1
            return out
        i += 1
        if kind == "str":
            s = _string(tok)
            while i < len(toks) and toks[i][0] == "str":
                s += _string(toks[i][1])
                i += 1
            return s
        if kind == "num":
            t = tok.rstrip("L")
            if t.lower().startswith(("0x", "+0x", "-0x")):
                return int(t, 16)
            return float(t) if any(c in t for c in ".eE") else int(t)
        if kind == "word" and tok.lower() in ("true", "false"):
            return tok.lower() == "true"
        raise ScenarioError(f"unexpected {tok!r} in the configuration")

    def group(close):
        nonlocal i
        out = {}
        while i < len(toks) and toks[i][1] != close:
            kind, name = toks[i]
            if kind != "word" or toks[i + 1][1] not in "=:":
                raise ScenarioError(f"unexpected {name!r} in the configuration")
            i += 2
            out[name] = value()
            if i < len(toks) and toks[i][1] in ";,":
                i += 1
        i += 1
        return out

    return group(None)


def lookup(cfg, key):
    """The value of a dotted key in parsed settings (KeyError if absent)."""
    node = cfg
    for part in key.split("."):
        node = node[part]
    return node


# ---------------------------------------------------------------- writing

def quote(s):
    """s as a libconfig string."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def literal(v):
    """A parsed value as libconfig text."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v) + ("L" if abs(v) > 2147483647 else "")
    if isinstance(v, float):
        r = repr(v)
        return r if any(c in r for c in ".eE") else r + ".0"
    return quote(v)


def _entry(d):
    return "    { " + " ".join(f"{k} = {literal(v)};" for k, v in d.items()) + " }"


def replace_list(text, name, entries):
    """text with its top-level list `name = ( ... );` holding entries (dicts)
    instead; the list is added at the end when the text has none."""
    block = f"{name} = (\n" + ",\n".join(_entry(e) for e in entries) + ("\n" if entries else "") + ");\n"
    pat = re.compile(rf"^{name} = \(.*?^\);\n?", re.S | re.M)
    if pat.search(text):
        return pat.sub(lambda m: block, text, count=1)
    return text.rstrip("\n") + "\n\n" + block


def digest(*parts):
    """A short name for the things a file depends on."""
    h = hashlib.sha256()
    for p in parts:
        h.update(str(p).encode())
        h.update(b"\0")
    return h.hexdigest()[:20]


# ---------------------------------------------------------------- levers

def _number(v):
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def same(a, b):
    """Two lever values are the same setting (as numbers where both are)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return str(a).lower() == str(b).lower()
    x, y = _number(a), _number(b)
    if x is not None and y is not None:
        return x == y
    return str(a).strip().strip('"') == str(b).strip().strip('"')


def text_value(v):
    """A page's value as the VALUE of --set KEY=VALUE (any text: the engine
    reads it, and says what is wrong with it)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v == int(v) and abs(v) < 1e15:
        return repr(v)
    return str(v).strip()


class Scenario:
    """A scenario as the explorer shows it: built from the resolved text of
    `aandacht check FILE --set CAPS` (the explorer's bounds on customers,
    weeks and warm-up applied)."""

    def __init__(self, path, resolved, params, caps, capped):
        self.path = str(path)
        self.resolved = resolved
        self.cfg = parse(resolved)
        self.params = params                     # aandacht params --json
        self.caps = list(caps)                   # --set of the bounds
        self.capped = capped                     # words: what the bounds changed
        s = self.cfg["scenario"]
        self.name, self.seed = s["name"], int(s["seed"])
        self.weeks, self.warmup = int(s["weeks"]), int(s["warmup"])
        self.description = s.get("description", "")
        self.brands = [b["name"] for b in self.cfg["brands"]]
        self.events = list(self.cfg.get("events", []))
        self.interventions = list(self.cfg.get("interventions", []))
        self._by_key = {p["key"]: p for p in params["parameters"]}

    # the value a lever has in the scenario as loaded
    def default(self, lever):
        if lever.startswith("brands.["):
            i, key = self.brand_key(lever)
            b = self.cfg["brands"][i]
            if key == "automation.target":
                t = float(lookup(b, "automation.target"))
                return float(lookup(b, "automation.start")) if t < 0 else t
            return lookup(b, key)
        if lever == "shock.brand":
            return ""
        if lever == "shock.week":
            return min(52, self.weeks - 1)
        if lever == "shock.size":
            return 1.0
        return lookup(self.cfg, lever)

    @staticmethod
    def brand_key(lever):
        m = re.fullmatch(r"brands\.\[(\d+)\]\.(.+)", lever)
        return int(m.group(1)), m.group(2)

    def claims(self):
        return self.params.get("claims", [])

    def market_levers(self, max_customers):
        """Customers, tipping and the claims' switches, each a dict for the page."""
        out = [dict(id="population.customers", label=LABELS["population.customers"], kind="int", min=1000,
                    max=max_customers, step=1000, value=self.default("population.customers")),
               dict(id="tipping.enabled", label=LABELS["tipping.enabled"], kind="bool",
                    value=bool(self.default("tipping.enabled")))]
        for c in self.claims():
            now = lookup(self.cfg, c["switch"])
            on = now if not same(now, c["off"]) else c["on"]
            out.append(dict(id=c["switch"], label=f"{c['id']}: {c['text']}", kind="switch", on=on, off=c["off"],
                            value=not same(now, c["off"]), claim=c["id"]))
        return out

    def brand_levers(self, i):
        """Brand i's levers, each a dict for the page."""
        out = []
        for key in BRAND_LEVERS:
            lever = f"brands.[{i}].{key}"
            p = self._by_key[key]
            d = dict(id=lever, key=key, label=LABELS[key], kind=p["type"], value=self.default(lever))
            if p["type"] == "enum":
                d["values"] = p["values"]
            elif key == "automation.target":
                d.update(min=0.0, max=1.0, step=0.01)
            elif key.startswith("automation.ramp"):
                d.update(min=0, max=self.weeks if key.endswith("weeks") else max(self.weeks - 1, 0), step=1)
            elif key == "hr_investment":
                d.update(min=0.0, max=1.0, step=0.05)
            elif key == "markup":
                d.update(min=0.0, max=max(40.0, 3 * float(d["value"])), step=0.5)
            out.append(d)
        return out

    def shock_levers(self):
        return [dict(id="shock.brand", label=LABELS["shock.brand"], kind="enum", values=[""] + self.brands, value=""),
                dict(id="shock.week", label=LABELS["shock.week"], kind="int", min=0, max=max(self.weeks - 1, 0),
                     step=1, value=self.default("shock.week")),
                dict(id="shock.size", label=LABELS["shock.size"], kind="real", min=0.0, max=5.0, step=0.1,
                     value=1.0)]

    def describe(self, max_customers):
        return dict(path=self.path, name=self.name, description=self.description, brands=self.brands,
                    seed=self.seed, weeks=self.weeks, warmup=self.warmup, capped=self.capped,
                    market=self.market_levers(max_customers), shock=self.shock_levers(),
                    brand_levers=[self.brand_levers(i) for i in range(len(self.brands))],
                    events=len(self.events), interventions=len(self.interventions))


class Settings:
    """A page's settings, split into what the engine is given: the market's
    --set options, the shock, each brand's moved levers."""

    def __init__(self, sc, values, replications=1):
        self.sc = sc
        self.values = {str(k): v for k, v in dict(values or {}).items()}
        self.replications = int(replications)
        known = {m["id"] for m in sc.market_levers(1)} | {l["id"] for i in range(len(sc.brands))
                                                          for l in sc.brand_levers(i)}
        known |= {"shock.brand", "shock.week", "shock.size"}
        self.unknown = sorted(k for k in self.values if k not in known)

    def value(self, lever):
        return self.values.get(lever, self.sc.default(lever))

    def market_sets(self):
        """--set of the market levers that differ from the scenario (after the caps)."""
        out = list(self.sc.caps)
        for m in self.sc.market_levers(1):
            v = self.values.get(m["id"])
            if v is None:
                continue
            if m["kind"] == "switch":
                on = v is True or str(v).lower() in ("true", "1", "on")
                if on != m["value"]:
                    out.append(f"{m['id']}={text_value(m['on'] if on else m['off'])}")
            elif not same(v, m["value"]):
                out.append(f"{m['id']}={text_value(v)}")
        return out

    def moved(self):
        """[(brand index, key, page value)] of the brand levers moved."""
        out = []
        for i in range(len(self.sc.brands)):
            for key in BRAND_LEVERS:
                lever = f"brands.[{i}].{key}"
                if lever in self.values and not same(self.values[lever], self.sc.default(lever)):
                    out.append((i, key, self.values[lever]))
        return out

    def brand_sets(self):
        """--set of every moved brand lever (what `check` validates)."""
        return [f"brands.[{i}].{k}={text_value(v)}" for i, k, v in self.moved()]

    def automation_sets(self):
        """--set of the moved automation levers (what the run is given)."""
        return [f"brands.[{i}].{k}={text_value(v)}" for i, k, v in self.moved() if k in AUTOMATION_LEVERS]

    def shock(self):
        """The shock event as a dict of libconfig values, or None. Week and
        size go in as numbers when they are numbers, and as text otherwise,
        so that the engine says what is wrong with them."""
        b = str(self.value("shock.brand") or "")
        if not b:
            return None
        w, s = self.value("shock.week"), self.value("shock.size")
        wv = _number(w)
        week = int(wv) if wv is not None and wv == int(wv) else (wv if wv is not None else str(w))
        sv = _number(s)
        if sv is None:
            stated = visits = str(s)
        else:
            stated, visits = SHOCK_STATED * sv, SHOCK_VISITS * sv
        return dict(type="reputation_shock", brand=b, week=week, stated=stated, visits=visits)

    def shock_index(self):
        return len(self.sc.events)

    def market_key(self):
        return tuple(self.market_sets())


def week0_interventions(sc, checked_cfg, moved):
    """Interventions of week 0 for the moved levers that are not automation
    ones, with the values as the engine read them (checked_cfg: the parsed
    resolved text of `check` with every lever as --set)."""
    out = []
    for i, key, _ in moved:
        if key in WEEK0_LEVERS:
            out.append(dict(week=0, brand=sc.brands[i], key=key, value=lookup(checked_cfg["brands"][i], key)))
    return out


def reference_text(market_text, sc, settings):
    """The market's text with the shock lever's event after the scenario's own."""
    ev = list(parse(market_text).get("events", []))
    shock = settings.shock()
    if shock:
        ev.append(shock)
    return replace_list(market_text, "events", ev)


def policy_text(reference, checked_cfg, sc, settings):
    """The reference text with the week-0 interventions of the moved levers
    after the scenario's own (the same week's last one wins)."""
    ivs = list(parse(reference).get("interventions", []))
    ivs += week0_interventions(sc, checked_cfg, settings.moved())
    return replace_list(reference, "interventions", ivs)


_SET_MSG = re.compile(r"--set: key '([^']+)': (.*)")
_FILE_MSG = re.compile(r"^(?:aandacht: )?[^:\n]*:(\d+): key '([^']+)': (.*)$")


def lever_of_message(sc, settings, message):
    """(lever id, the engine's message) of a refused configuration; the
    lever is None when the message names none of the page's levers."""
    text = message.strip().splitlines()[-1] if message.strip() else message
    text = re.sub(r"^aandacht: ", "", text)
    m = _SET_MSG.search(text)
    if m:
        key = m.group(1)
        mb = re.fullmatch(r"brands\.(?:\[(\d+)\]|([^.]+))\.(.+)", key)
        if mb:
            i = int(mb.group(1)) if mb.group(1) is not None else (sc.brands.index(mb.group(2))
                                                                   if mb.group(2) in sc.brands else None)
            if i is not None:
                return f"brands.[{i}].{mb.group(3)}", m.group(2)
        return key, m.group(2)
    m = _FILE_MSG.match(text)
    if m:
        key, msg = m.group(2), m.group(3)
        me = re.fullmatch(r"events\.\[(\d+)\](?:\.(\w+))?", key)
        if me and int(me.group(1)) == settings.shock_index():
            field = me.group(2) or "brand"
            lever = {"brand": "shock.brand", "type": "shock.brand", "week": "shock.week"}.get(field, "shock.size")
            if lever == "shock.size":
                msg = f"{msg} (size {settings.value('shock.size')} makes stated = 0.13 x size, visits = 0.07 x size)"
            return lever, msg
        return None, f"key '{key}': {msg}"
    return None, text

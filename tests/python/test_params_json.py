"""`aandacht params --json`: the parameter table (sim/param_table.def) as
JSON. It must be valid JSON, hold every key that `aandacht check` resolves
(and no other), and give the defaults `check` prints."""
import json
import re

from engine_support import run

FIELDS = {"key", "per_brand", "type", "default", "min", "max", "unit", "doc"}


def params_json():
    r = run("params", "--json", check=True)
    return json.loads(r.stdout)["parameters"]


def resolved(text):
    """check's resolved configuration as {(per_brand, key): (value text, is default)}
    for the scenario-wide keys and those of the first brand."""
    out, groups, in_brands, in_other, element = {}, [], False, False, 0
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s == "brands = (":
            in_brands = True
            continue
        if s in ("events = (", "interventions = ("):  # lists of their own keys
            in_other = True
            continue
        if s == ");":
            in_brands = in_other = False
            continue
        if in_other:
            continue
        if in_brands and s in ("{", "},", "}"):
            element += s == "{"
            continue
        m = re.fullmatch(r"(\w+) = \{", s)
        if m:
            groups.append(m.group(1))
            continue
        if s == "};":
            groups.pop()
            continue
        m = re.fullmatch(r"([\w.]+) = (.*?);(\s*# default.*)?", s)
        assert m, f"cannot read check's line {line!r}"
        if in_brands and element != 1:
            continue
        key = ".".join(groups + [m.group(1)])
        out[(in_brands, key)] = (m.group(2), m.group(3) is not None)
    return out


def value_of(text, entry):
    """check's text of a value as the JSON default would be."""
    if entry["type"] == "bool":
        return {"true": True, "false": False}[text]
    if entry["type"] in ("string", "enum"):
        assert text.startswith('"') and text.endswith('"'), text
        return json.loads(text)
    if entry["type"] == "int":
        return int(text.rstrip("L"))
    return float(text)


def test_params_json_is_valid_and_complete():
    entries = params_json()
    assert len(entries) > 100
    keys = [(e["per_brand"], e["key"]) for e in entries]
    assert len(set(keys)) == len(keys), "a key twice"
    for e in entries:
        assert FIELDS <= e.keys(), e
        assert isinstance(e["per_brand"], bool) and e["doc"]
        assert e["type"] in ("real", "int", "bool", "enum", "string"), e
        if e["type"] in ("real", "int"):
            assert e["min"] <= e["default"] <= e["max"], e
            if e["type"] == "int":
                assert all(isinstance(e[f], int) for f in ("default", "min", "max")), e
        else:
            assert e["min"] is None and e["max"] is None, e
        if e["type"] == "enum":
            assert e["default"] in e["values"], e
        if e["type"] == "bool":
            assert isinstance(e["default"], bool), e
        if e["type"] == "string":
            assert e["default"] is None if e["required"] else e["default"] == "", e
    brand = {e["key"] for e in entries if e["per_brand"]}
    assert {"name", "quality", "automation.target", "routing", "staff_per_1000"} <= brand
    assert "scenario.seed" not in brand and "employee.base" in {e["key"] for e in entries}


def test_params_json_holds_every_key_check_prints_and_its_default(tmp_path):
    # brands give only their name and share: every other brand key is a default
    cfg = tmp_path / "plain.cfg"
    cfg.write_text('scenario = { name = "plain"; };\n'
                   'brands = ( { name = "A"; share = 0.5; }, { name = "B"; share = 0.5; } );\n')
    r = run("check", cfg, check=True)
    printed = resolved(r.stdout)
    entries = {(e["per_brand"], e["key"]): e for e in params_json()}
    assert printed.keys() == entries.keys(), (printed.keys() ^ entries.keys())
    defaults = 0
    for k, (text, is_default) in printed.items():
        if is_default:
            defaults += 1
            assert value_of(text, entries[k]) == entries[k]["default"], (k, text, entries[k]["default"])
    assert defaults > 100


EXTRA = """
tipping = { enabled = true; smile = { prob = 0.5; }; };
events = ( { type = "reputation_shock"; brand = "Classic"; week = 10; } );
interventions = ( { week = 5; brand = "Budget"; key = "hr_marketing"; value = 0.5; } );
"""


def test_params_json_defaults_equal_check_of_a_full_scenario(scenario):
    # the end-to-end tests' scenario with tipping, an event and an intervention
    r = run("check", scenario(extra=EXTRA), check=True)
    entries = {(e["per_brand"], e["key"]): e for e in params_json()}
    for k, (text, is_default) in resolved(r.stdout).items():
        assert k in entries, k
        if is_default:
            assert value_of(text, entries[k]) == entries[k]["default"], (k, text)


def test_params_json_is_the_table_of_the_reference():
    # the text and Markdown references come from the same table: same keys, same order
    md = run("params", "--markdown", check=True).stdout
    md_keys = re.findall(r"^\| `([^`]+)` \|", md, re.M)
    table = [("brands.[I]." if e["per_brand"] else "") + e["key"] for e in params_json()]
    assert [k for k in md_keys if not k.startswith(("events.", "interventions."))] == table


def test_params_refuses_an_unknown_option():
    r = run("params", "--yaml")
    assert r.returncode == 2 and "unknown option '--yaml'" in r.stderr
    assert "--json" in run("params", "--help", check=True).stdout


def test_every_claim_has_one_switch_in_the_table():
    # docs/model.md section 8: one parameter per claim removes its mechanism;
    # scripts find it by "switch_of" (and every member by "claims")
    d = json.loads(run("params", "--json", check=True).stdout)
    params = {("brands.[I]." if p["per_brand"] else "") + p["key"]: p for p in d["parameters"]}
    ids = [c["id"] for c in d["claims"]]
    assert ids == [f"C{k}" for k in range(1, 8)]
    for c in d["claims"]:
        p = params[c["switch"]]
        assert p["switch_of"] == c["id"] and c["id"] in p["claims"]
        assert p["default"] == c["on"], (c, p["default"])
        assert p["min"] <= c["off"] <= p["max"] and p["switch_off"] == c["off"]
    switches = [k for k, p in params.items() if "switch_of" in p]
    assert len(switches) == 7
    for p in params.values():
        assert set(p["claims"]) <= set(ids)

"""The command line's habits, as a user meets them: `aandacht new` makes a
scenario from another; a run refuses an output file of another scenario by
name; misspelt commands and options get a suggestion; `aandacht help
COMMAND`; messages a user can act on for a directory given as the scenario,
a syntax error, a key in the wrong place and automation.target out of
range; Ctrl-C (exit status 130, the partial file kept and named); progress
lines in a log and on a terminal."""
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import pytest

from engine_support import BINARY, SOURCE, read_to_end, run, small_scenario

TINY = ["--set", "population.customers=2000", "--weeks", "2", "--set", "scenario.warmup=0", "--quiet"]


def shipped(tmp_path):
    """A working folder with a copy of the shipped scenarios in scenarios/."""
    shutil.copytree(SOURCE / "scenarios", tmp_path / "scenarios")
    return tmp_path


def refused(r, *words, lines=None):
    """Exit status 2 and every word in the first line of the message."""
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    first = r.stderr.splitlines()[0]
    assert first.startswith("aandacht: "), r.stderr
    for w in words:
        assert w in first, (w, first)
    if lines is not None:
        assert len(r.stderr.strip().splitlines()) == lines, r.stderr
    return first


def without_opening_comment(text):
    """The text after its leading lines that start with '#'."""
    lines = text.splitlines(keepends=True)
    k = 0
    while k < len(lines) and lines[k].lstrip().startswith("#"):
        k += 1
    return "".join(lines[k:])


# ---- aandacht new ------------------------------------------------------------

def test_new_copies_baseline_with_a_comment_to_fill_in_and_its_name(tmp_path):
    d = shipped(tmp_path)
    r = run("new", "digital_bots", cwd=d)
    assert r.returncode == 0, r.stderr
    assert "scenarios/digital_bots.cfg" in r.stdout and "made from scenarios/baseline.cfg" in r.stdout
    made = (d / "scenarios" / "digital_bots.cfg").read_text()
    original = (d / "scenarios" / "baseline.cfg").read_text()
    head = ("# digital_bots: <one line: what this scenario asks>\n#\n# Question:\n#\n# Look at:\n#\n"
            "# Made from scenarios/baseline.cfg.\n")
    assert made.startswith(head)
    # everything after the opening comment is the original's, byte for byte, but the name
    rest = without_opening_comment(original)
    assert rest.count('name = "baseline";') == 1
    assert made[len(head):] == rest.replace('name = "baseline";', 'name = "digital_bots";')
    c = run("check", "scenarios/digital_bots.cfg", cwd=d)
    assert c.returncode == 0, c.stderr
    assert 'name = "digital_bots";' in c.stdout


def test_new_from_a_shipped_name_a_path_and_into_a_path_or_folder(tmp_path):
    d = shipped(tmp_path)
    r = run("new", "slow_rush", "--from", "robot_rush", cwd=d)
    assert r.returncode == 0, r.stderr
    made = (d / "scenarios" / "slow_rush.cfg").read_text()
    assert "# Made from scenarios/robot_rush.cfg.\n" in made and 'name = "slow_rush";' in made
    assert "ramp_weeks = 156" in made  # the rest is robot_rush's
    own = d / "mine.cfg"
    own.write_text('scenario = { name = "mine"; weeks = 10; };\nbrands = ( { name = "A"; } );\n')
    r = run("new", "other", "--from", own, "-o", d / "other.cfg", cwd=d)
    assert r.returncode == 0, r.stderr
    assert (d / "other.cfg").read_text() == (
        "# other: <one line: what this scenario asks>\n#\n# Question:\n#\n# Look at:\n#\n"
        f"# Made from {own}.\n\n" 'scenario = { name = "other"; weeks = 10; };\nbrands = ( { name = "A"; } );\n')
    (d / "elsewhere").mkdir()
    r = run("new", "third", "--from", "hr_marketing", "-o", "elsewhere", cwd=d)
    assert r.returncode == 0, r.stderr
    assert run("check", d / "elsewhere" / "third.cfg").returncode == 0


def test_new_makes_the_scenarios_folder_and_finds_installed_scenarios(tmp_path):
    # an installed tree: <prefix>/bin/aandacht beside <prefix>/share/aandacht/scenarios
    prefix = tmp_path / "prefix"
    (prefix / "bin").mkdir(parents=True)
    shutil.copy(BINARY, prefix / "bin" / "aandacht")
    shutil.copytree(SOURCE / "scenarios", prefix / "share" / "aandacht" / "scenarios")
    work = tmp_path / "work"
    work.mkdir()
    r = subprocess.run([str(prefix / "bin" / "aandacht"), "new", "tips2", "--from", "hospitality_tips"],
                       cwd=work, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    made = (work / "scenarios" / "tips2.cfg").read_text()
    assert f"# Made from {prefix}/bin/../share/aandacht/scenarios/hospitality_tips.cfg." in made
    assert run("check", work / "scenarios" / "tips2.cfg").returncode == 0


def test_new_refuses_an_existing_file_unless_forced(tmp_path):
    d = shipped(tmp_path)
    target = d / "scenarios" / "x.cfg"
    target.write_text("keep me\n")
    r = run("new", "x", cwd=d)
    refused(r, "scenarios/x.cfg exists", "--force", lines=1)
    assert target.read_text() == "keep me\n"
    r = run("new", "x", "--force", cwd=d)
    assert r.returncode == 0, r.stderr
    assert 'name = "x";' in target.read_text()
    # never over the scenario it is made from
    refused(run("new", "baseline", "--force", cwd=d), "scenarios/baseline.cfg is the scenario the new one")


@pytest.mark.parametrize("name,why", [
    ("two words", "may only contain letters, digits, '_', '.' and '-'"),
    ("a/b", "may only contain"),
    ("n" * 64, "at most 63"),
])
def test_new_refuses_a_bad_name(tmp_path, name, why):
    d = shipped(tmp_path)
    refused(run("new", name, cwd=d), f"'{name}' cannot be a scenario's name", why, lines=1)
    assert sorted(p.name for p in (d / "scenarios").iterdir()) == sorted(
        p.name for p in (SOURCE / "scenarios").iterdir())


def test_new_takes_a_name_of_63_characters(tmp_path):
    d = shipped(tmp_path)
    assert run("new", "n" * 63, cwd=d).returncode == 0
    assert run("check", d / "scenarios" / f"{'n' * 63}.cfg").returncode == 0


def test_new_names_an_unknown_scenario_and_suggests_one(tmp_path):
    d = shipped(tmp_path)
    refused(run("new", "x", "--from", "robot_rsh", cwd=d), "no scenario 'robot_rsh'", "did you mean 'robot_rush'?",
            "scenarios/robot_rsh.cfg", lines=1)
    refused(run("new", "x", "--from", "nothing/here.cfg", cwd=d), "nothing/here.cfg: no such scenario file")
    refused(run("new", "x", cwd=tmp_path / "scenarios"), "no scenario 'baseline'", "looked for scenarios/baseline.cfg")
    refused(run("new", cwd=d), "no NAME given")
    refused(run("new", "x", "y", cwd=d), "unexpected argument 'y'")
    refused(run("new", "x", "--from", "scenarios/", cwd=d), "--from scenarios/ is a directory, not a scenario file")
    refused(run("new", "x", "-o", "no/such/x.cfg", cwd=d), "cannot write no/such/x.cfg: directory 'no/such' does not "
                                                            "exist", lines=1)
    bad = d / "bad.cfg"
    bad.write_text('scenario = { name = "bad"; };\nbrands = ( { name = "A"; quality = 2.0; } );\n')
    r = run("new", "x", "--from", "bad.cfg", cwd=d)
    refused(r, "bad.cfg:2: key 'brands.[0].quality'")
    assert "bad.cfg is not a valid scenario: fix it, or make the new one from another" in r.stderr
    assert not (d / "scenarios" / "x.cfg").exists()


def test_new_writes_nothing_when_the_copy_would_not_load(tmp_path):
    # a scenario that includes a file beside it: a copy elsewhere cannot find it
    src = tmp_path / "src"
    src.mkdir()
    (src / "brands.inc").write_text('brands = ( { name = "A"; } );\n')
    (src / "main.cfg").write_text('scenario = { name = "main"; };\n@include "brands.inc"\n')
    assert run("check", src / "main.cfg").returncode == 0
    dest = tmp_path / "dest"
    dest.mkdir()
    r = run("new", "copy", "--from", src / "main.cfg", "-o", dest)
    refused(r, f"{dest}/copy.cfg was not written", "does not load")
    assert list(dest.iterdir()) == []


def test_the_documented_example_of_new_runs_as_written(tmp_path):
    d = shipped(tmp_path)
    doc = (SOURCE / "docs" / "scenario-files.md").read_text()
    start = doc.index("## Starting from another scenario: aandacht new")
    section = doc[start:doc.index("## How a scenario is resolved")]
    commands, top = re.findall(r"```(?:sh)?\n(.*?)```", section, flags=re.S)
    commands = [line.split("#")[0].split() for line in commands.splitlines()]
    assert [c[:2] for c in commands] == [["aandacht", "new"]] * 3 + [["aandacht", "check"]]
    for c in commands:
        r = subprocess.run([str(BINARY), *c[1:]], cwd=d, capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, (c, r.stderr)
    assert (d / "scenarios" / "digital_bots.cfg").read_text().startswith(top)
    assert (d / "scenarios" / "slow_rush.cfg").exists() and (d / "bots_b.cfg").exists()
    # the message shown for automation.target is the one a user gets
    shown = re.search(r"^my.cfg:9: key 'brands.\[1\].automation.target': (.*)$", doc, re.M).group(1)
    lines = ['scenario = { name = "m"; };'] + [""] * 6 + ['brands = ( { name = "A"; },',
                                                           ' { name = "B"; automation = { target = 1.2; }; } );']
    (d / "my.cfg").write_text("\n".join(lines) + "\n")
    r = run("check", "my.cfg", cwd=d)
    assert r.stderr == f"aandacht: my.cfg:9: key 'brands.[1].automation.target': {shown}\n"


def test_new_is_in_the_help(tmp_path):
    assert "new NAME" in run("help", check=True).stdout
    r = run("help", "new", check=True)
    assert r.stdout.startswith("usage: aandacht new NAME [--from SCENARIO] [-o PATH] [--force]")


# ---- an output file of another scenario --------------------------------------

def test_run_names_the_scenario_file_an_existing_output_holds(tmp_path):
    d = shipped(tmp_path)
    assert run("run", "scenarios/baseline.cfg", *TINY, cwd=d).returncode == 0
    out = d / "out" / "baseline.h5"
    before = out.read_bytes()
    shutil.copy(d / "scenarios" / "baseline.cfg", d / "digital_bots.cfg")  # copied, name left as it was
    r = run("run", "digital_bots.cfg", *TINY, cwd=d)
    first = refused(r, lines=1)
    assert first == ("aandacht: out/baseline.h5 holds scenario file scenarios/baseline.cfg, not digital_bots.cfg: "
                     "set scenario.name in digital_bots.cfg or choose another file with -o (or --force to replace it)")
    # with -o given, the advice is -o
    r = run("run", "digital_bots.cfg", "-o", "out/baseline.h5", *TINY, cwd=d)
    assert refused(r, lines=1).endswith("not digital_bots.cfg: choose another file with -o (or --force to replace it)")
    assert out.read_bytes() == before
    # the same scenario file, however written: today's message
    for same in ("scenarios/baseline.cfg", "./scenarios/../scenarios/baseline.cfg", d / "scenarios" / "baseline.cfg"):
        r = run("run", same, *TINY, cwd=d)
        refused(r, "out/baseline.h5: output file exists; pass --force to replace it", lines=1)
    # from another folder, where the recorded scenarios/baseline.cfg is not found: the file name decides
    (d / "elsewhere").mkdir()
    r = run("run", d / "scenarios" / "baseline.cfg", "-o", out, *TINY, cwd=d / "elsewhere")
    refused(r, f"{out}: output file exists", lines=1)
    r = run("run", "digital_bots.cfg", "--force", *TINY, cwd=d)
    assert r.returncode == 0, r.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["scenario_file"] == b"digital_bots.cfg"


# ---- did you mean ------------------------------------------------------------

@pytest.mark.parametrize("args,suggestion", [
    (["rn"], "unknown command 'rn' (did you mean 'run'?)"),
    (["chek", "x.cfg"], "unknown command 'chek' (did you mean 'check'?)"),
    (["--verison"], "unknown command '--verison' (did you mean '--version'?)"),
    (["scenarios/baseline.cfg"], "(did you mean 'aandacht run scenarios/baseline.cfg' or 'aandacht check "),
    (["out/x.h5"], "(did you mean 'aandacht report out/x.h5'?)"),
    (["run", "x.cfg", "--sed", "3"], "unknown option '--sed' (did you mean '--seed'?)"),
    (["run", "x.cfg", "--thread", "2"], "unknown option '--thread' (did you mean '--threads'?)"),
    (["run", "x.cfg", "--seed=3"], "unknown option '--seed=3' (write '--seed 3', with a space)"),
    (["check", "x.cfg", "--sweep-piont", "3"], "unknown option '--sweep-piont' (did you mean '--sweep-point'?)"),
    (["check", "x.cfg", "--seed", "3"], "check has no --seed: write --set scenario.seed=N"),
    (["sweep", "x.cfg", "--job", "2"], "unknown option '--job' (did you mean '--jobs'?)"),
    (["merge", "a.h5", "--forse"], "unknown option '--forse' (did you mean '--force'?)"),
    (["params", "--jsn"], "unknown option '--jsn' (did you mean '--json'?)"),
    (["new", "x", "--frm", "baseline"], "unknown option '--frm' (did you mean '--from'?)"),
    (["version", "--hlp"], "unknown option '--hlp' (did you mean '--help'?)"),
])
def test_misspelt_commands_and_options_get_a_suggestion(args, suggestion):
    r = run(*args)
    refused(r, suggestion)
    assert "usage: aandacht" in r.stderr


def test_nothing_close_gets_no_suggestion():
    for args in (["fly"], ["run", "x.cfg", "--zzz"]):
        r = run(*args)
        assert "did you mean" not in refused(r)


# ---- help ----------------------------------------------------------------------

@pytest.mark.parametrize("cmd", ["run", "sweep", "merge", "check", "report", "params", "new", "help", "version"])
def test_help_command_shows_that_commands_help(cmd):
    r = run("help", cmd)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"usage: aandacht {cmd}")
    assert r.stdout == run(cmd, "--help").stdout


def test_help_lists_every_command_and_refuses_an_unknown_one():
    r = run("help", check=True)
    for cmd in ("run FILE.cfg", "sweep FILE.cfg", "merge SHARD", "check FILE.cfg", "report OUT.h5", "params",
                "new NAME", "help [COMMAND]", "version"):
        assert f"  {cmd}" in r.stdout, cmd
    assert "did you mean" not in refused(run("help", "nonsense"), "no command 'nonsense'")
    refused(run("help", "chek"), "no command 'chek' (did you mean 'check'?)")
    refused(run("help", "run", "sweep"), "help takes one command")


# ---- messages a user can act on --------------------------------------------------

def test_a_directory_is_not_a_scenario_file(tmp_path):
    d = shipped(tmp_path)
    for cmd in ("run", "check", "sweep"):
        r = run(cmd, "scenarios/", cwd=d)
        refused(r, "scenarios/ is a directory, not a scenario file: give one of its .cfg files, "
                   "e.g. scenarios/baseline.cfg", lines=1)
    (d / "empty").mkdir()
    refused(run("check", "empty", cwd=d), "empty is a directory, not a scenario file: give a .cfg file", lines=1)


def test_a_syntax_error_names_file_line_and_fix(tmp_path):
    cfg = tmp_path / "s.cfg"
    cfg.write_text('scenario = { name = "s"; };\nbrands = (\n  { name = "A"; }\n  { name = "B"; }\n);\n')
    refused(run("check", cfg), f"{cfg}:4: syntax error: the elements of a list ( ) are separated by ',' "
                               "(is one missing at the end of line 3?)", lines=1)
    cfg.write_text('scenario = { name = "s"; };\nbrands = ( { name = "A"; routing = by_need; } );\n')
    refused(run("run", cfg), f"{cfg}:2: syntax error: text must be written in double quotes: routing = \"by_need\";",
            lines=1)
    cfg.write_text('scenario = { name = "s";\n\nbrands = ( { name = "A"; } );\n')
    refused(run("check", cfg), f"{cfg}:4: syntax error: the file ends inside the group '{{' opened on line 1: a '}}' "
                               "is missing", lines=1)


def test_a_syntax_error_in_an_included_file_names_that_file(tmp_path):
    (tmp_path / "brands.inc").write_text('brands = ( { name = "A"; }; { name = "B"; } );\n')
    main = tmp_path / "main.cfg"
    main.write_text('scenario = { name = "m"; };\n@include "brands.inc"\n')
    refused(run("check", main), "brands.inc:1: syntax error: inside a list ( ) the elements are separated by ',', "
                                "not ';'", lines=1)


def test_keys_in_the_wrong_place_get_the_right_suggestion(tmp_path):
    cfg = small_scenario(tmp_path)
    text = cfg.read_text()
    cfg.write_text(text.replace('routing = "by_need";', 'routing = "by_need"; qualty = 0.5;'))
    refused(run("check", cfg), "key 'brands.[1].qualty'", "did you mean 'brands.[1].quality'?")
    cfg.write_text(text.replace('routing = "by_need";', 'routing = "by_need"; seed = 4;'))
    refused(run("check", cfg), "seed is not a brand parameter", "scenario-wide scenario.seed", "outside the brands")
    cfg.write_text(text + "qualty = 0.5;\n")
    refused(run("check", cfg), "did you mean 'quality'? it is a brand parameter: set it inside brands")


def test_automation_target_out_of_range_says_0_to_1(tmp_path):
    cfg = small_scenario(tmp_path)
    cfg.write_text(cfg.read_text().replace("automation = { start = 0.25; }", "automation = { target = 80; }"))
    first = refused(run("check", cfg), "brands.[1].automation.target = 80 is out of range: allowed 0 to 1, "
                                       "e.g. 0.8 for 80 % (or leave it out to keep the starting share", lines=1)
    assert "-1" not in first.split("out of range")[1]
    r = run("check", small_scenario(tmp_path), "--set", "brands.Classic.automation.target=2")
    refused(r, "allowed 0 to 1", lines=1)


# ---- Ctrl-C and progress -----------------------------------------------------------

def long_run(tmp_path, warmup=0):
    """A run that takes minutes unless stopped: 50,000 customers, 10,000 weeks."""
    return small_scenario(tmp_path, name="long", weeks=10000, warmup=warmup, customers=50000)


class Lines:
    """The lines a running process writes to a pipe, read as they come."""

    def __init__(self, pipe):
        self.fd, self.buf, self.seen = pipe.fileno(), b"", []

    def until(self, pattern, timeout=60):
        """Reads lines up to the first that matches pattern; returns them all."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                self.seen.append(line.decode() + "\n")
                if re.search(pattern, self.seen[-1]):
                    return self.seen
            if select.select([self.fd], [], [], max(0.0, deadline - time.time()))[0]:
                chunk = os.read(self.fd, 4096)
                if not chunk:
                    break
                self.buf += chunk
        pytest.fail(f"no line matching {pattern!r} within {timeout} s: {self.seen}")

    def rest(self, p):
        """Everything else it writes until it ends."""
        while True:
            chunk = os.read(self.fd, 4096)
            if not chunk:
                break
            self.buf += chunk
        p.wait(timeout=60)
        return "".join(self.seen) + self.buf.decode()


def test_ctrl_c_exits_130_and_keeps_the_weeks_in_the_partial_file(tmp_path):
    out = tmp_path / "i.h5"
    p = subprocess.Popen([str(BINARY), "run", str(long_run(tmp_path)), "-o", str(out)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        lines = Lines(p.stderr)
        lines.until(r"^starting: 10000 weeks$")
        time.sleep(1.0)
        p.send_signal(signal.SIGINT)
        err = lines.rest(p)
        rest = p.stdout.read().decode()
    finally:
        p.kill()
        p.wait()
    assert p.returncode == 130, err
    msg = [line for line in err.splitlines() if "interrupted" in line]
    assert len(msg) == 1 and msg[0].startswith("aandacht: interrupted at week "), err
    m = re.search(r"interrupted at week (\d+) of 10000: (\S+) was not written; the \1 weeks finished are in "
                  r"(\S+), marked incomplete", msg[0])
    assert m and m.group(2) == str(out) and m.group(3) == f"{out}.partial", msg[0]
    assert rest == ""  # no summary: the run did not complete
    assert not out.exists()
    with h5py.File(f"{out}.partial", "r") as f:
        assert f.attrs["complete"] == 0
        assert f["week"].shape[0] == int(m.group(1)) > 0


def test_sigterm_exits_143_and_a_stop_in_the_warm_up_says_so(tmp_path):
    out = tmp_path / "w.h5"
    cfg = small_scenario(tmp_path, name="warm", weeks=10, warmup=5000, customers=50000)
    p = subprocess.Popen([str(BINARY), "run", str(cfg), "-o", str(out)], stderr=subprocess.PIPE)
    try:
        lines = Lines(p.stderr)
        lines.until(r"^starting: 5000 warm-up weeks, then 10 weeks$")
        time.sleep(0.5)
        p.send_signal(signal.SIGTERM)
        err = lines.rest(p)
    finally:
        p.kill()
        p.wait()
    assert p.returncode == 143, err
    assert re.search(r"^aandacht: interrupted during the warm-up \(week \d+ of 5000\), before any week was recorded: "
                     + re.escape(str(out)) + " was not written", err, re.M), err
    assert not out.exists()


def test_ctrl_c_on_a_terminal_starts_its_message_on_a_new_line(tmp_path):
    master, slave = pty.openpty()
    p = subprocess.Popen([str(BINARY), "run", str(long_run(tmp_path)), "-o", str(tmp_path / "t.h5")],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    try:
        deadline = time.time() + 60
        while b"weeks/s" not in seen and time.time() < deadline:
            if select.select([master], [], [], 1)[0]:
                seen += os.read(master, 4096)
        assert b"\rweek " in seen, seen
        p.send_signal(signal.SIGINT)
        seen += read_to_end(master)
        p.wait(timeout=60)
    finally:
        p.kill()
        os.close(master)
    assert p.returncode == 130
    text = seen.decode()
    i = text.index("aandacht: interrupted")
    assert text[i - 1] == "\n" and "ETA" in text[:i], repr(text[-300:])


def test_progress_in_a_log_is_whole_lines_at_start_and_end(tmp_path):
    r = run("run", small_scenario(tmp_path, weeks=8, warmup=4, customers=3000), "-o", tmp_path / "o.h5")
    assert r.returncode == 0, r.stderr
    assert "\r" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if not line.startswith("aandacht: note")]
    assert lines[0] == "starting: 4 warm-up weeks, then 8 weeks"
    assert re.fullmatch(r"week 8/8  [\d.]+ weeks/s  done in \d+ s", lines[-1]), lines
    quiet = run("run", small_scenario(tmp_path, weeks=8, warmup=4, customers=3000), "-o", tmp_path / "q.h5",
                "--quiet")
    assert quiet.returncode == 0 and "starting" not in quiet.stderr and "weeks/s" not in quiet.stderr


def test_progress_in_a_log_every_5_seconds_with_a_sound_estimate(tmp_path):
    """A line every 5 seconds while the run goes on (here in the warm-up);
    its time left is of the order its own rate gives: below it, by as much
    as the burn-in weeks cost more than the weeks after them (up to about
    ten times on a busy machine), never above it by more than 3 times.
    tests/test_progress.c checks the estimate itself, on a clock that ticks
    at the model's costs."""
    cfg = small_scenario(tmp_path, name="eta", weeks=10000, warmup=5000, customers=50000)
    p = subprocess.Popen([str(BINARY), "run", str(cfg), "-o", str(tmp_path / "e.h5")], stderr=subprocess.PIPE)
    started = time.time()
    try:
        lines = Lines(p.stderr)
        first = lines.until(r"s so far  ETA")[-1]
        second = lines.until(r"s so far  ETA")[-1]
        p.send_signal(signal.SIGINT)
        lines.rest(p)
    finally:
        p.kill()
        p.wait()
    assert lines.seen[0] == "starting: 5000 warm-up weeks, then 10000 weeks\n"
    assert time.time() - started >= 10
    for line, at_least in ((first, 5), (second, 10)):
        m = re.fullmatch(r"(warm-up )?week (\d+)/(\d+)  ([\d.]+) weeks/s  (\d+) s so far  ETA (\d+) s\n", line)
        assert m, line
        warm, at, of, rate, so_far, eta = m.groups()
        assert int(so_far) >= at_least, line
        left = (5000 - int(at) + 10000) if warm else (10000 - int(at))
        assert 1 / 10 < float(eta) / (left / float(rate)) < 3, line


def test_an_include_by_absolute_path_is_found_from_anywhere(tmp_path):
    """libconfig puts the scenario's folder in front of every @include path;
    an absolute one must still name its own file (and a relative one the
    file beside the scenario), whatever the working directory. (The
    include's file is the whole scenario: libconfig does not merge groups.)"""
    base = (SOURCE / "scenarios" / "baseline.cfg").resolve()
    sub = tmp_path / "deep" / "er"
    sub.mkdir(parents=True)
    (sub / "part.cfg").write_text(base.read_text())
    (sub / "abs.cfg").write_text(f'@include "{base}"\n')
    (sub / "rel.cfg").write_text('@include "part.cfg"\n')
    for cwd in (tmp_path, sub, Path("/")):
        r = run("check", sub / "abs.cfg", cwd=cwd)
        assert r.returncode == 0 and 'name = "baseline";' in r.stdout, r.stderr
        r = run("check", sub / "rel.cfg", cwd=cwd)
        assert r.returncode == 0 and 'name = "baseline";' in r.stdout, r.stderr

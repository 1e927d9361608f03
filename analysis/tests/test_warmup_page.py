"""The report says whether the warm-up settled and which trends run from
week 0, in words, so that drift without a policy change is not read as a
policy's effect."""
import html

import h5py
import pytest

from report_runs import engine, run_files  # noqa: F401  (fixture)
from aandacht import io, page


def _facts(path):
    d = io.read(path)
    return page._warmup(d), page._trends(d)


def test_a_run_records_how_far_shares_moved_in_the_warm_ups_last_year(run_files):
    with h5py.File(run_files["calm"]) as f:
        drift = float(f.attrs["warmup_share_drift"])
    assert 0 <= drift < 1


def test_trends_are_named_with_their_yearly_size(run_files):
    warm, trends = _facts(run_files["calm"])
    assert warm is not None
    assert "commoditisation" in trends and "10 % of their gap" in trends
    assert "prices follow unit cost plus markup" in trends and "market.price_adjust = 1" in trends
    assert "trends' doing" in trends


def test_without_trends_the_page_says_none(tmp_path):
    cfg = tmp_path / "still.cfg"
    cfg.write_text('scenario = { name = "still"; seed = 3; weeks = 6; warmup = 20; };\n'
                   'population = { customers = 2000; };\n'
                   'market = { commoditisation = 0.0; price_adjust = 0.0; };\n'
                   'brands = ( { name = "A"; }, { name = "B"; } );\n')
    out = tmp_path / "still.h5"
    engine("run", cfg, "-o", out, "--quiet")
    warm, trends = _facts(out)
    assert trends.startswith("none")


def test_an_unsettled_warm_up_is_flagged_on_the_terminal_and_the_page(tmp_path):
    # a short warm-up without a burn-in in a market whose brands differ a lot:
    # shares still move in its last year
    cfg = tmp_path / "rush.cfg"
    cfg.write_text('scenario = { name = "rush"; seed = 3; weeks = 4; warmup = 60; warmup_speedup = 1.0; };\n'
                   'population = { customers = 20000; };\n'
                   'brands = ( { name = "A"; share = 0.9; quality = 0.9; }, { name = "B"; share = 0.1; quality = 0.2; } );\n')
    out = tmp_path / "rush.h5"
    r = engine("run", cfg, "-o", out, "--quiet")
    with h5py.File(out) as f:
        drift = float(f.attrs["warmup_share_drift"])
    assert drift > page.WARMUP_DRIFT_TOLERANCE
    assert "warm-up did not settle" in r.stderr and f"{100 * drift:.1f} points" in r.stderr
    warm, _ = _facts(out)
    assert warm.startswith("did not settle")
    text = html.unescape(page._scenario(io.read(out)))
    assert "did not settle" in text


def test_a_small_market_states_its_seed_noise_and_asks_for_replications(tmp_path):
    cfg = tmp_path / "small.cfg"
    cfg.write_text('scenario = { name = "small"; seed = 3; weeks = 4; warmup = 20; };\n'
                   'population = { customers = 5000; };\n'
                   'brands = ( { name = "A"; }, { name = "B"; } );\n')
    out = tmp_path / "small.h5"
    r = engine("run", cfg, "-o", out)
    with h5py.File(out) as f:
        noise = float(f.attrs["seed_noise"])
    assert noise == pytest.approx(4.3 / 5000 ** 0.5)
    assert "replications" in r.stderr and f"{100 * noise:.1f} points" in r.stderr
    assert "seed noise at 5,000 customers" in r.stdout
    text = html.unescape(page._scenario(io.read(out)))
    assert f"about {100 * noise:.1f} points" in text and "not interpretable" in text


def test_a_large_market_states_its_seed_noise_without_alarm(run_files, tmp_path):
    cfg = tmp_path / "big.cfg"
    cfg.write_text('scenario = { name = "big"; seed = 3; weeks = 2; warmup = 2; };\n'
                   'population = { customers = 60000; };\n'
                   'brands = ( { name = "A"; }, { name = "B"; } );\n')
    out = tmp_path / "big.h5"
    r = engine("run", cfg, "-o", out)
    assert "replications" not in r.stderr
    text = html.unescape(page._scenario(io.read(out)))
    assert "seed alone moves" in text and "not interpretable" not in text

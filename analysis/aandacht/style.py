"""Projector style shared by every chart of the report.

A chart is shown on a projector to people who never saw the model, so it
makes one point, in large type, with colours that colour-blind viewers can
tell apart, and lines labelled at their right end instead of a legend.

Use:

    from aandacht import style
    style.apply()                                   # once, before any figure
    colors = style.brand_colors(data["brands"])     # same brand, same colour
    fig, ax = style.new_figure()                    # 16:9 slide
    line, = ax.plot(weeks, share, color=colors["Classic"], label="Classic")
    style.label_line_ends(ax, [line])               # names at the line ends
    style.finish(fig, ax, "Classic loses a third of its customers",
                 subtitle="market share, weekly", footnote="baseline, seed 42")
    paths = style.save(fig, "out/report", "market_share")  # {"png": .., "svg": ..}

Layout is done here, not by matplotlib's layout engines: `finish` measures
the title block, the footnote, tick labels and the end labels, and moves the
axes until all of them fit inside the figure. `save` writes PNG at 150 dpi
(2001 x 1125 pixels for a wide figure, a 256-colour palette) and SVG with a fixed hash salt and no
date, so the same chart gives the same SVG bytes.
"""
import textwrap
from pathlib import Path

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.lines import Line2D  # noqa: E402

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every
# common colour-vision deficiency. Ordered for a white background on a
# projector: the strong colours first, yellow (faint on white) last.
PALETTE = [
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
    "#F0E442",  # yellow
]
GREY = "#6E6E6E"      # secondary text, reference lines
LIGHT = "#D9D9D9"     # grid, bands

BASE_SIZE = 17        # points: tick labels and body text
TITLE_SIZE = 26
SUBTITLE_SIZE = 18
FOOTNOTE_SIZE = 12
LABEL_SIZE = 17       # line-end labels
DPI = 150             # PNG resolution: 2001 x 1125 pixels for a wide figure

SIZES = {             # inches; 16:9 fills a slide, "half" sits beside text
    "wide": (13.34, 7.5),   # 2001 x 1125 pixels at 150 dpi
    "half": (8.0, 7.5),
    "square": (9.0, 9.0),
}

_MARGIN = 0.025       # figure fraction kept free at every edge
_LABELS = "_aandacht_end_labels"   # axes attribute holding the end labels


def apply():
    """Sets matplotlib's rcParams for projector charts (idempotent)."""
    matplotlib.rcParams.update({
        "font.family": "DejaVu Sans",
        "font.size": BASE_SIZE,
        "axes.titlesize": SUBTITLE_SIZE,
        "axes.labelsize": BASE_SIZE + 1,
        "axes.labelcolor": "#222222",
        "axes.edgecolor": "#444444",
        "axes.linewidth": 1.4,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.grid.axis": "y",
        "axes.axisbelow": True,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "grid.color": LIGHT,
        "grid.linewidth": 1.0,
        "xtick.labelsize": BASE_SIZE - 1,
        "ytick.labelsize": BASE_SIZE - 1,
        "xtick.major.size": 6,
        "ytick.major.size": 6,
        "xtick.major.width": 1.4,
        "ytick.major.width": 1.4,
        "xtick.color": "#444444",
        "ytick.color": "#444444",
        "lines.linewidth": 3.5,
        "lines.markersize": 10,
        "patch.linewidth": 0,
        "legend.fontsize": BASE_SIZE - 1,
        "legend.frameon": False,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "svg.hashsalt": "aandacht",   # element ids do not change between runs
        "svg.fonttype": "path",       # text as paths: same look without the font
        "path.simplify": True,
    })


def brand_colors(names):
    """Maps names (brands, or scenarios when files are compared) to colours.

    Colours follow the order of `names` (the brand order of the file), so
    the same file gives every brand the same colour in every chart. Past
    eight names the palette repeats.
    """
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def new_figure(kind="wide"):
    """A figure with one axes: "wide" (16:9 slide), "half" or "square"."""
    if kind not in SIZES:
        raise ValueError(f"figure kind {kind!r}: use one of {', '.join(SIZES)}")
    fig = plt.figure(figsize=SIZES[kind], dpi=DPI)
    ax = fig.add_subplot(1, 1, 1)
    return fig, ax


def thousands(ax, axis="y"):
    """Tick labels with thousands separators (45,000 rather than 45000)."""
    from matplotlib.ticker import FuncFormatter
    fmt = FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _last_point(line):
    """(x, y) of the last finite point of a Line2D, or None."""
    x, y = line.get_xdata(orig=False), line.get_ydata(orig=False)
    for i in range(len(y) - 1, -1, -1):
        try:
            xi, yi = float(x[i]), float(y[i])
        except (TypeError, ValueError):
            continue
        if xi == xi and yi == yi:   # not NaN
            return xi, yi
    return None


def label_line_ends(ax, lines_or_series):
    """Names each line at its right end, in its colour, instead of a legend.

    `lines_or_series` holds Line2D objects (labelled by their label) or
    tuples (label, x_end, y_end, colour). Labels that would overlap are
    pushed apart vertically; `finish` places them again once the layout is
    final. Returns the label Text objects.
    """
    specs = []
    for item in lines_or_series:
        if isinstance(item, Line2D):
            end = _last_point(item)
            label = item.get_label()
            if end is None or not label or label.startswith("_"):
                continue
            specs.append((label, end[0], end[1], item.get_color()))
        else:
            label, x, y, color = item
            specs.append((str(label), float(x), float(y), color))
    texts = []
    for label, x, y, color in specs:
        t = ax.annotate(label, xy=(x, 0.5), xycoords=("data", "axes fraction"),
                        xytext=(10, 0), textcoords="offset points",
                        ha="left", va="center", color=color,
                        fontsize=LABEL_SIZE, fontweight="bold",
                        annotation_clip=False)
        texts.append((t, y))
    setattr(ax, _LABELS, getattr(ax, _LABELS, []) + texts)
    _place_labels(ax)
    return [t for t, _ in texts]


def _place_labels(ax):
    """Puts the end labels at their line's height, pushed apart to not overlap."""
    texts = getattr(ax, _LABELS, [])
    if not texts:
        return
    height = ax.bbox.height
    if height <= 0:
        return
    gap = LABEL_SIZE * 1.25 * ax.figure.dpi / 72.0 / height   # axes fraction
    ymin, ymax = ax.get_ylim()
    span = (ymax - ymin) or 1.0
    wanted = [((y - ymin) / span, i) for i, (_, y) in enumerate(texts)]
    wanted.sort()
    pos = [w for w, _ in wanted]
    # push up from the bottom, then down from the top, then centre the spill
    for k in range(1, len(pos)):
        pos[k] = max(pos[k], pos[k - 1] + gap)
    if pos[-1] > 1.0:
        pos[-1] = 1.0
        for k in range(len(pos) - 2, -1, -1):
            pos[k] = min(pos[k], pos[k + 1] - gap)
    for (_, i), p in zip(wanted, pos):
        t = texts[i][0]
        t.xy = (t.xy[0], p)


def _union_bbox(fig, renderer):
    """Pixel bbox of every axes of the figure, its labels included."""
    from matplotlib.transforms import Bbox
    boxes = [a.get_tightbbox(renderer) for a in fig.axes if a.get_visible()]
    return Bbox.union([b for b in boxes if b is not None])


def _wrap(text, fig, size):
    """Wraps text to the figure's width at the given font size (an estimate;
    _fit_width measures and narrows it)."""
    width_pt = fig.get_figwidth() * 72 * (1 - 2 * _MARGIN)
    chars = max(20, int(width_pt / (size * 0.56)))
    if not text:
        return text
    text = text.replace(" %", "\u00a0%")     # never "29" at a line's end and "%" on the next
    return "\n".join(textwrap.wrap(text, chars))


def _fit_width(fig, t, raw, renderer):
    """Re-wraps Text t (of the string raw) narrower until it fits the figure's width."""
    avail = fig.bbox.width * (1 - 2 * _MARGIN)
    chars = max(len(line) for line in t.get_text().split("\n"))
    raw = raw.replace(" %", "\u00a0%")
    while t.get_window_extent(renderer).width > avail and chars > 20:
        chars -= 2
        t.set_text("\n".join(textwrap.wrap(raw, chars)))


def finish(fig, ax, title, subtitle=None, footnote=None):
    """Adds the title block and footnote and fits the axes into the figure.

    `title` states what the chart shows (the finding, not the variable);
    `subtitle` says what is plotted and in which unit; `footnote` carries
    the provenance (scenario, seed) in small print at the bottom left.
    `ax` may be one axes or a list; every axes of the figure is fitted.
    """
    del ax   # every axes of the figure is laid out together
    left = _MARGIN
    t_title = fig.text(left, 1 - _MARGIN, _wrap(title, fig, TITLE_SIZE),
                       ha="left", va="top", fontsize=TITLE_SIZE,
                       fontweight="bold", color="#111111")
    t_sub = None
    if subtitle:
        t_sub = fig.text(left, 0.5, _wrap(subtitle, fig, SUBTITLE_SIZE),
                         ha="left", va="top", fontsize=SUBTITLE_SIZE, color="#333333")
    t_foot = None
    if footnote:
        t_foot = fig.text(left, _MARGIN, _wrap(footnote, fig, FOOTNOTE_SIZE * 1.1),
                          ha="left", va="bottom", fontsize=FOOTNOTE_SIZE, color=GREY)
    renderer = fig.canvas.get_renderer()
    for t, raw in ((t_title, title), (t_sub, subtitle), (t_foot, footnote)):
        if t is not None:
            _fit_width(fig, t, raw, renderer)
    W, H = fig.bbox.width, fig.bbox.height
    # the title block's bottom edge, in figure fraction
    tb = t_title.get_window_extent(renderer)
    top_limit = tb.y0 / H - 0.012
    if t_sub is not None:
        t_sub.set_y(top_limit)
        top_limit = t_sub.get_window_extent(renderer).y0 / H - 0.03
    else:
        top_limit -= 0.02
    bottom_limit = _MARGIN
    if t_foot is not None:
        bottom_limit = t_foot.get_window_extent(renderer).y1 / H + 0.015
    right_limit, left_limit = 1 - _MARGIN, _MARGIN
    fig.subplots_adjust(left=0.1, right=0.9, top=top_limit - 0.02, bottom=bottom_limit + 0.1)
    for _ in range(4):
        for a in fig.axes:
            _place_labels(a)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        u = _union_bbox(fig, renderer)
        sp = fig.subplotpars
        new = dict(left=sp.left + (left_limit - u.x0 / W),
                   right=sp.right + (right_limit - u.x1 / W),
                   top=sp.top + (top_limit - u.y1 / H),
                   bottom=sp.bottom + (bottom_limit - u.y0 / H))
        if new["right"] - new["left"] < 0.2 or new["top"] - new["bottom"] < 0.2:
            break   # labels too long for the figure: keep a usable plot area
        moved = max(abs(new[k] - getattr(sp, k)) for k in new)
        fig.subplots_adjust(**new)
        if moved < 0.002:
            break
    for a in fig.axes:
        _place_labels(a)
    return fig


def save(fig, outdir, stem):
    """Writes OUTDIR/STEM.png (150 dpi) and OUTDIR/STEM.svg, closes the figure.

    The PNG has a 256-colour palette: a third of the bytes of a full-colour
    one and no visible change (a chart has a few colours and their
    antialiased edges), so that report.html, which embeds every PNG, stays
    small. The SVG carries no date and fixed element ids, so it is the same
    bytes for the same chart. Returns {"png": Path, "svg": Path}.
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    paths = {"png": outdir / f"{stem}.png", "svg": outdir / f"{stem}.svg"}
    if fig.dpi != DPI:
        fig.set_dpi(DPI)
    with matplotlib.rc_context({"svg.hashsalt": "aandacht"}):
        try:
            from PIL import Image
        except ImportError:   # matplotlib needs Pillow; without it, a full-colour PNG
            fig.savefig(paths["png"], dpi=DPI, metadata={"Software": None})
        else:
            fig.canvas.draw()
            rgba = Image.fromarray(np.asarray(fig.canvas.buffer_rgba()))
            q = rgba.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE,
                                             dither=Image.Dither.NONE)
            pal = np.asarray(q.getpalette(), dtype=np.uint8).reshape(-1, 3)
            pal[np.all(pal >= 246, axis=1)] = 255     # the octree greys the white a little
            q.putpalette(pal.ravel().tolist())
            q.save(paths["png"])
        fig.savefig(paths["svg"], metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return paths

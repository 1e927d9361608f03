/* stream.h: `aandacht run --stream`, the run's weeks as JSON lines on
 * standard output while it runs (for `aandacht explore`, which draws them
 * as they come, and for any program that reads a pipe).
 *
 * One JSON object per line, each line flushed as soon as it is written:
 *
 *   {"event":"start","scenario":NAME,"brands":[NAME,...],"weeks":N,"first_week":W,
 *    "warmup_steps":K,"output":OUT}
 *   {"event":"warmup","step":S,"of":K}              after each warm-up week still to run
 *   {"event":"week","week":T,"<market observable>":V,...,"<brand observable>":[V,...],...}
 *   {"event":"done","output":OUT,"weeks":N}         after OUT is complete and renamed
 *
 * A week line names every observable by its name in the HDF5 file
 * (ad_market_names, ad_brand_h5names): a market observable is a number, a
 * brand observable an array in brand order. Numbers are printed with 17
 * significant digits, so they read back as the very doubles the file holds;
 * NaN and infinities (which JSON has no word for) are null. A run that fails
 * or is stopped writes no "done" line.
 */
#ifndef AD_STREAM_H
#define AD_STREAM_H

#include <stdint.h>
#include <stdio.h>

#include "aandacht.h"

/* The first line: what the run is and where its file goes. */
void stream_start(FILE *f, const ad_config *cfg, int64_t first_week, int64_t warmup_steps, const char *outpath);

/* A warm-up week done: step S (1-based) of the K still to run. */
void stream_warmup(FILE *f, int64_t step, int64_t of);

/* Recorded week t: every observable of obs for the cfg's n_brands brands. */
void stream_week(FILE *f, int64_t t, const ad_obs *obs, int n_brands);

/* The last line: OUT is complete, with n weeks. */
void stream_done(FILE *f, const char *outpath, int64_t weeks);

#endif

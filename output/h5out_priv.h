/* h5out_priv.h: the writer's state and the small HDF5 helpers shared by
 * h5out.c (file life cycle, weekly variables), h5out_meta.c (root attributes,
 * /parameters) and h5out_dist.c (/snapshots, /agents). Private to output/.
 *
 * Every hid_t in struct h5out is either H5I_INVALID_HID or open and owned by
 * the writer; h5out_close closes each exactly once. Helpers return 0 on
 * success and -1 on an HDF5 failure (the HDF5 error stack says why);
 * h5out__fail turns that into an ad_error naming the file.
 */
#ifndef AD_H5OUT_PRIV_H
#define AD_H5OUT_PRIV_H

#include <hdf5.h>
#include <stdint.h>

#include "h5out.h"

#ifndef AANDACHT_VERSION
#define AANDACHT_VERSION "unknown"
#endif
#ifndef AANDACHT_GIT
#define AANDACHT_GIT "unknown"
#endif

#define H5OUT_PATH_MAX 4096
#define H5OUT_WEEK_CHUNK 52        /* weeks per chunk of the weekly variables */
#define H5OUT_SNAP_CHUNK 8         /* snapshots per chunk */
#define H5OUT_AGENT_CHUNK 262144   /* customers per chunk of the raw arrays */
#define H5OUT_FLUSH_WEEKS 64       /* write and flush at least every this many weeks (and every second) */
#define H5OUT_DEFLATE 4            /* gzip level */

struct h5out {
    char path[H5OUT_PATH_MAX];     /* final name, OUT */
    char partial[H5OUT_PATH_MAX];  /* name while writing, OUT.partial */
    int force;                     /* replace an existing OUT on close */
    int lock_fd;                   /* OUT.partial, locked while this job writes it (-1: none) */
    int n_brands;                  /* columns of the brand dimension */
    hid_t file;                    /* the open OUT.partial */
    hid_t week;                    /* root coordinate week(week), int32 */
    hid_t brand;                   /* root coordinate brand(brand), strings */
    hid_t market[AD_N_MARKET];     /* market observables (week) */
    hid_t brandv[AD_N_BRAND];      /* brand observables (week, brand) */
    hid_t snap_grp;                /* /snapshots, made by the first snapshot */
    hid_t snap_index;              /* snapshot(snapshot), int32 */
    hid_t snap_week;               /* snapshot_week(snapshot), int32 */
    hid_t snap[AD_N_SNAP];         /* market-wide counts (snapshot, bin) */
    hid_t snap_brand[AD_N_SNAP];   /* per-brand counts (snapshot, brand, bin) */
    hid_t agents_grp;              /* /agents, made by the first agent write */
    int64_t agents_n;              /* customers in /agents/customer */
    int64_t weeks;                 /* rows written along week */
    int64_t first_week;            /* the week of row 0 (0, or after a saved state's week) */
    int64_t snapshots;             /* rows written along snapshot */
    ad_obs pending[H5OUT_FLUSH_WEEKS]; /* weeks accepted but not yet in the file */
    int64_t n_pending;             /* how many of pending[] are used */
    double flushed_at;             /* monotonic seconds of the last flush */
    char brand_names[AD_MAX_BRANDS][32]; /* copied from the config at open */
};

/* Every HDF5 call clears the error stack on entry, so cleaning up after a
 * failure would erase why it failed: keep the stack (when failed) before
 * the cleanup calls and restore it after them. */
hid_t h5out__err_keep(int failed);
void h5out__err_restore(hid_t kept);
/* Group with link and attribute creation order tracked, as netCDF-4 makes. */
hid_t h5out__group(hid_t loc, const char *name);
/* Scalar attributes; strings are fixed-length UTF-8 (netCDF NC_CHAR). */
int h5out__attr_str(hid_t loc, const char *name, const char *value);
int h5out__attr_i64(hid_t loc, const char *name, int64_t value);
int h5out__attr_i8(hid_t loc, const char *name, int8_t value);
int h5out__attr_f64(hid_t loc, const char *name, double value);
/* 1-D attributes of n >= 1 values; strings are variable-length (NC_STRING). */
int h5out__attr_i64v(hid_t loc, const char *name, const int64_t *v, size_t n);
int h5out__attr_f64v(hid_t loc, const char *name, const double *v, size_t n);
int h5out__attr_strv(hid_t loc, const char *name, const char *const *v, size_t n);
/* Sets the value of an existing scalar int8 attribute. */
int h5out__attr_set_i8(hid_t loc, const char *name, int8_t value);
int h5out__attr_set_i64(hid_t loc, const char *name, int64_t value);
int h5out__attr_set_f64(hid_t loc, const char *name, double value);
/* Variable-length UTF-8 string type (caller closes). */
hid_t h5out__vstr_type(void);
/* Dataset of the given shape. With chunk: chunked, the first dimension
 * unlimited when extendible, compressed (shuffle + deflate) when compress;
 * without (NULL): contiguous and of fixed size. */
hid_t h5out__dataset(hid_t loc, const char *name, hid_t type, int rank,
                     const hsize_t *dims, int extendible, const hsize_t *chunk,
                     int compress);
/* Adds the units and long_name attributes every variable carries. */
int h5out__describe(hid_t ds, const char *units, const char *long_name);
/* Grows the first dimension to row + 1 and writes that row from buf (memory
 * layout: the remaining dimensions of the dataset, contiguous). */
int h5out__append(hid_t ds, hid_t memtype, hsize_t row, const void *buf);
/* Makes ds the dimension scale `name`, and attaches scales to a variable. */
int h5out__scale(hid_t ds, const char *name);
int h5out__attach(hid_t var, int n, const hid_t *scales);
/* Closes an identifier of any kind if open and marks it invalid; returns -1
 * if the close failed, and then keeps the error stack in *kept unless it
 * already holds one (kept may be NULL). */
int h5out__close_id(hid_t *id, hid_t *kept);
/* Turns the current HDF5 error stack into err: AD_ERR_IO when the innermost
 * failure is a system call (disk full, permission), else AD_ERR_HDF5. The
 * message names the file and says what was being done. Returns the code. */
int h5out__fail(const char *file, ad_error *err, const char *doing);

/* Seconds on a monotonic clock. */
double h5out__now(void);

/* h5out_meta.c: root attributes (complete = 0) and the /parameters group. */
int h5out__root_attrs(h5out *o, const ad_config *cfg);
int h5out__parameters(h5out *o, const ad_config *cfg, const char *resolved_text);
/* h5out_dist.c: closes the /snapshots and /agents handles (see close_id). */
int h5out__dist_close(h5out *o, hid_t *kept);

/* Output paths checked, and OUT.partial claimed (created new and locked;
 * *lock_fd to close when the job ends), before anything is written (see
 * h5out_h5.c). input: the scenario file, never overwritten. */
int h5out__check_paths(const char *path, const char *partial, int force, const char *input, int *lock_fd,
                       ad_error *err);
/* Locks an existing OUT.partial for this job (resume): refuses a link and a
 * file another job holds. */
int h5out__lock_partial(const char *partial, int *fd, ad_error *err);
/* Creates (truncates) an HDF5 file the way every aandacht output is made. */
hid_t h5out__create_file(const char *name);

/* h5out_resume.c, for every reader of output/: an existing file opened
 * read-write with the access properties h5out__create_file made it with
 * (H5I_INVALID_HID when it does not open), and a scalar attribute read as
 * int64 (-1 when it is missing or does not read). */
hid_t h5out__open_file(const char *name);
int h5out__read_i64(hid_t loc, const char *name, int64_t *v);

#endif

/* h5out_h5.c: the HDF5 building blocks of the output writer: groups,
 * attributes, chunked extendible datasets, dimension scales, and the
 * translation of the HDF5 error stack into an ad_error.
 *
 * Every helper closes what it opens before it returns, on success and on
 * failure alike (one cleanup path each), and returns 0 or -1; it never
 * prints. Objects are made the way netCDF-4 makes them (creation order of
 * links and attributes tracked and indexed) so that netCDF, h5netcdf and
 * xarray list attributes in the order they were written.
 */
#define _GNU_SOURCE /* F_OFD_SETLK */
#include "h5out_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>
#include <stdio.h>
#include <string.h>

static const unsigned CRT_ORDER = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;

hid_t h5out__err_keep(int failed)
{
    return failed ? H5Eget_current_stack() : H5I_INVALID_HID;
}

void h5out__err_restore(hid_t kept)
{
    if (kept >= 0) H5Eset_current_stack(kept);
}

hid_t h5out__group(hid_t loc, const char *name)
{
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE), g = H5I_INVALID_HID;
    if (gcpl < 0) return H5I_INVALID_HID;
    if (H5Pset_link_creation_order(gcpl, CRT_ORDER) >= 0 &&
        H5Pset_attr_creation_order(gcpl, CRT_ORDER) >= 0)
        g = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    hid_t kept = h5out__err_keep(g < 0);
    H5Pclose(gcpl);
    h5out__err_restore(kept);
    return g;
}

/* Writes attribute `name` (replacing one of that name) of the given type
 * and dataspace from buf. */
static int attr_write(hid_t loc, const char *name, hid_t type, hid_t space, const void *buf)
{
    int rc = -1;
    hid_t a = H5I_INVALID_HID;
    htri_t there = H5Aexists(loc, name);
    if (there < 0 || (there > 0 && H5Adelete(loc, name) < 0)) goto done;
    a = H5Acreate2(loc, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (a < 0 || H5Awrite(a, type, buf) < 0) goto done;
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    if (h5out__close_id(&a, &kept) < 0) rc = -1;
    h5out__err_restore(kept);
    return rc;
}

/* writes the attribute over `space` and closes the space (takes it over) */
static int attr_in_space(hid_t loc, const char *name, hid_t type, hid_t space, const void *buf)
{
    if (space < 0) return -1;
    int rc = attr_write(loc, name, type, space, buf);
    hid_t kept = h5out__err_keep(rc < 0);
    H5Sclose(space);
    h5out__err_restore(kept);
    return rc;
}

static int attr_scalar(hid_t loc, const char *name, hid_t type, const void *buf)
{
    return attr_in_space(loc, name, type, H5Screate(H5S_SCALAR), buf);
}

static int attr_vector(hid_t loc, const char *name, hid_t type, const void *buf, size_t n)
{
    hsize_t dim = n;
    return attr_in_space(loc, name, type, H5Screate_simple(1, &dim, NULL), buf);
}

int h5out__attr_str(hid_t loc, const char *name, const char *value)
{
    size_t len = strlen(value);
    char empty[1] = {0};
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return -1;
    int rc = -1;
    /* HDF5 has no zero-size string: "" is one NUL byte, read back as "" */
    if (H5Tset_size(t, len ? len : 1) >= 0 && H5Tset_strpad(t, H5T_STR_NULLPAD) >= 0 &&
        H5Tset_cset(t, H5T_CSET_UTF8) >= 0)
        rc = attr_scalar(loc, name, t, len ? value : empty);
    hid_t kept = h5out__err_keep(rc < 0);
    H5Tclose(t);
    h5out__err_restore(kept);
    return rc;
}

int h5out__attr_i64(hid_t loc, const char *name, int64_t value)
{
    return attr_scalar(loc, name, H5T_NATIVE_INT64, &value);
}

int h5out__attr_i8(hid_t loc, const char *name, int8_t value)
{
    return attr_scalar(loc, name, H5T_NATIVE_INT8, &value);
}

int h5out__attr_f64(hid_t loc, const char *name, double value)
{
    return attr_scalar(loc, name, H5T_NATIVE_DOUBLE, &value);
}

int h5out__attr_i64v(hid_t loc, const char *name, const int64_t *v, size_t n)
{
    return attr_vector(loc, name, H5T_NATIVE_INT64, v, n);
}

int h5out__attr_f64v(hid_t loc, const char *name, const double *v, size_t n)
{
    return attr_vector(loc, name, H5T_NATIVE_DOUBLE, v, n);
}

hid_t h5out__vstr_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return H5I_INVALID_HID;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

int h5out__attr_strv(hid_t loc, const char *name, const char *const *v, size_t n)
{
    hid_t t = h5out__vstr_type();
    if (t < 0) return -1;
    int rc = attr_vector(loc, name, t, v, n);
    hid_t kept = h5out__err_keep(rc < 0);
    H5Tclose(t);
    h5out__err_restore(kept);
    return rc;
}

/* rewrites an existing attribute of memory type `type` */
static int attr_set(hid_t loc, const char *name, hid_t type, const void *value)
{
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return -1;
    int rc = H5Awrite(a, type, value) < 0 ? -1 : 0;
    hid_t kept = h5out__err_keep(rc < 0);
    if (h5out__close_id(&a, &kept) < 0) rc = -1;
    h5out__err_restore(kept);
    return rc;
}

int h5out__attr_set_i8(hid_t loc, const char *name, int8_t value)
{
    return attr_set(loc, name, H5T_NATIVE_INT8, &value);
}

int h5out__attr_set_i64(hid_t loc, const char *name, int64_t value)
{
    return attr_set(loc, name, H5T_NATIVE_INT64, &value);
}

int h5out__attr_set_f64(hid_t loc, const char *name, double value)
{
    return attr_set(loc, name, H5T_NATIVE_DOUBLE, &value);
}

hid_t h5out__dataset(hid_t loc, const char *name, hid_t type, int rank,
                     const hsize_t *dims, int extendible, const hsize_t *chunk,
                     int compress)
{
    hsize_t maxdims[H5S_MAX_RANK];
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, ds = H5I_INVALID_HID;
    for (int i = 0; i < rank; i++) maxdims[i] = dims[i];
    if (extendible && chunk) maxdims[0] = H5S_UNLIMITED;
    space = H5Screate_simple(rank, dims, maxdims);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0) goto done;
    if (H5Pset_attr_creation_order(dcpl, CRT_ORDER) < 0) goto done;
    if (chunk && H5Pset_chunk(dcpl, rank, chunk) < 0) goto done;
    if (chunk && compress && (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, H5OUT_DEFLATE) < 0))
        goto done;
    /* a checksum per chunk, checked whenever the chunk is read (aandacht
     * verify reads every one); not for variable-length strings */
    if (chunk && H5Tis_variable_str(type) <= 0 && H5Tget_class(type) != H5T_VLEN && H5Pset_fletcher32(dcpl) < 0)
        goto done;
    ds = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
done:;
    hid_t kept = h5out__err_keep(ds < 0);
    if (space >= 0) H5Sclose(space);
    if (dcpl >= 0) H5Pclose(dcpl);
    h5out__err_restore(kept);
    return ds;
}

int h5out__describe(hid_t ds, const char *units, const char *long_name)
{
    if (h5out__attr_str(ds, "units", units) < 0) return -1;
    return h5out__attr_str(ds, "long_name", long_name);
}

int h5out__append(hid_t ds, hid_t memtype, hsize_t row, const void *buf)
{
    int rc = -1;
    hsize_t dims[H5S_MAX_RANK], start[H5S_MAX_RANK] = {0};
    hid_t fspace = H5Dget_space(ds), mspace = H5I_INVALID_HID;
    if (fspace < 0) return -1;
    int rank = H5Sget_simple_extent_dims(fspace, dims, NULL);
    H5Sclose(fspace);
    fspace = H5I_INVALID_HID;
    if (rank < 1) goto done;
    if (dims[0] < row + 1) {
        dims[0] = row + 1;
        if (H5Dset_extent(ds, dims) < 0) goto done;
    }
    fspace = H5Dget_space(ds);
    start[0] = row;
    dims[0] = 1;
    mspace = H5Screate_simple(rank, dims, NULL);
    if (fspace < 0 || mspace < 0) goto done;
    if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, dims, NULL) < 0) goto done;
    if (H5Dwrite(ds, memtype, mspace, fspace, H5P_DEFAULT, buf) < 0) goto done;
    rc = 0;
done:;
    hid_t kept = h5out__err_keep(rc < 0);
    if (fspace >= 0) H5Sclose(fspace);
    if (mspace >= 0) H5Sclose(mspace);
    h5out__err_restore(kept);
    return rc;
}

int h5out__scale(hid_t ds, const char *name)
{
    return H5DSset_scale(ds, name) < 0 ? -1 : 0;
}

int h5out__attach(hid_t var, int n, const hid_t *scales)
{
    for (int i = 0; i < n; i++)
        if (H5DSattach_scale(var, scales[i], (unsigned)i) < 0) return -1;
    return 0;
}

int h5out__close_id(hid_t *id, hid_t *kept)
{
    if (*id < 0) return 0;
    herr_t e = -1;
    switch (H5Iget_type(*id)) {
    case H5I_FILE: e = H5Fclose(*id); break;
    case H5I_GROUP: e = H5Gclose(*id); break;
    case H5I_DATASET: e = H5Dclose(*id); break;
    case H5I_ATTR: e = H5Aclose(*id); break;
    case H5I_DATATYPE: e = H5Tclose(*id); break;
    case H5I_DATASPACE: e = H5Sclose(*id); break;
    case H5I_GENPROP_LST: e = H5Pclose(*id); break;
    default: break;
    }
    *id = H5I_INVALID_HID;
    if (e < 0 && kept && *kept < 0) *kept = H5Eget_current_stack();
    return e < 0 ? -1 : 0;
}

/* The innermost entry of the error stack: what actually failed. */
typedef struct { int seen; char desc[512]; } innermost;

static herr_t walk_cb(unsigned n, const H5E_error2_t *e, void *data)
{
    innermost *in = data;
    if (n == 0 && e->desc) {
        snprintf(in->desc, sizeof in->desc, "%s", e->desc);
        in->seen = 1;
    }
    return 0;
}

int h5out__fail(const char *file, ad_error *err, const char *doing)
{
    innermost in = {0, ""};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, walk_cb, &in);
    H5Eclear2(H5E_DEFAULT);
    /* a failed system call: HDF5 quotes errno's text as error message = '...' */
    const char *sys = strstr(in.desc, "error message = '");
    if (sys) {
        char why[256];
        sys += strlen("error message = '");
        size_t k = strcspn(sys, "'");
        if (k >= sizeof why) k = sizeof why - 1;
        memcpy(why, sys, k);
        why[k] = '\0';
        return ad_error_set(err, AD_ERR_IO, file, 0, NULL, "cannot write the output file (%s): %s",
                            doing, why);
    }
    return ad_error_set(err, AD_ERR_HDF5, file, 0, NULL, "HDF5 failed while %s%s%s", doing,
                        in.seen ? ": " : "", in.desc);
}

double h5out__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The directory OUT goes into must exist; one missing level (out/) is made
 * when its own parent exists. */
static int ensure_parent(const char *path, ad_error *err)
{
    char dir[H5OUT_PATH_MAX], up[H5OUT_PATH_MAX];
    struct stat st;
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash) return AD_OK;           /* the current directory */
    if (slash == dir) return AD_OK;     /* "/" */
    *slash = '\0';
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return AD_OK;
        return ad_error_set(err, AD_ERR_IO, path, 0, NULL,
                            "cannot write the output file: '%s' is not a directory", dir);
    }
    snprintf(up, sizeof up, "%s", dir);
    slash = strrchr(up, '/');
    if (slash && slash != up) *slash = '\0';
    else if (slash) up[1] = '\0';
    else snprintf(up, sizeof up, ".");
    if (stat(up, &st) != 0 || !S_ISDIR(st.st_mode))
        return ad_error_set(err, AD_ERR_IO, path, 0, NULL,
                            "cannot write the output file: directory '%s' does not exist "
                            "(nor does '%s'); create it or choose another file with -o", dir, up);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return ad_error_set(err, AD_ERR_IO, path, 0, NULL,
                            "cannot create the output directory '%s': %s", dir, strerror(errno));
    return AD_OK;
}

/* A write lock on the whole of fd's file, held by this open file
 * description until fd is closed: an OFD lock (Linux), which, unlike a
 * plain fcntl lock, HDF5 closing its own descriptor of the file does not
 * release, and which is independent of the flock HDF5 may take. 0 when
 * locked, 1 when another job holds it, -1 with errno. */
static int lock_whole(int fd)
{
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
#ifdef F_OFD_SETLK
    if (fcntl(fd, F_OFD_SETLK, &fl) == 0) return 0;
#else
    if (fcntl(fd, F_SETLK, &fl) == 0) return 0;
#endif
    return errno == EACCES || errno == EAGAIN ? 1 : -1;
}

int h5out__lock_partial(const char *partial, int *fd_out, ad_error *err)
{
    *fd_out = -1;
    struct stat st;
    if (lstat(partial, &st) != 0)
        return ad_error_set(err, AD_ERR_IO, partial, 0, NULL, "cannot open: %s", strerror(errno));
    if (S_ISLNK(st.st_mode) || !S_ISREG(st.st_mode))
        return ad_error_set(err, AD_ERR_USAGE, partial, 0, NULL,
                            "is %s, not a partial file this engine wrote; remove it",
                            S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
    int fd = open(partial, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return ad_error_set(err, AD_ERR_IO, partial, 0, NULL, "cannot open: %s", strerror(errno));
    int who = lock_whole(fd);
    if (who != 0) {
        close(fd);
        if (who < 0) return ad_error_set(err, AD_ERR_IO, partial, 0, NULL, "cannot lock: %s", strerror(errno));
        return ad_error_set(err, AD_ERR_EXISTS, partial, 0, NULL,
                            "another job is writing this file; wait for it to end, or choose another output "
                            "file with -o");
    }
    *fd_out = fd;
    return AD_OK;
}

/* OUT must be absent or a regular file other than the scenario (input),
 * replaced only with force; its directory must exist (or be made:
 * ensure_parent). PARTIAL is then claimed for this job: created new,
 * never through a link, and locked (*lock_fd, held until the job ends),
 * so that a second job given the same output refuses instead of
 * truncating or deleting the first job's file. A PARTIAL left by an
 * interrupted job is replaced only with force. */
int h5out__check_paths(const char *path, const char *partial, int force, const char *input, int *lock_fd,
                       ad_error *err)
{
    struct stat st, in;
    *lock_fd = -1;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return ad_error_set(err, AD_ERR_IO, path, 0, NULL,
                                "the output path is a directory; choose a file name with -o");
        if (!S_ISREG(st.st_mode))
            return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                                "the output path is not a regular file (a device, a pipe or a socket); "
                                "aandacht replaces only files: choose a file name with -o");
        if (input && *input && stat(input, &in) == 0 && in.st_dev == st.st_dev && in.st_ino == st.st_ino)
            return ad_error_set(err, AD_ERR_USAGE, path, 0, NULL,
                                "the output file is the scenario file '%s' itself; choose another file with -o",
                                input);
        if (!force)
            return ad_error_set(err, AD_ERR_EXISTS, path, 0, NULL,
                                "output file exists; pass --force to replace it, "
                                "or choose another file with -o");
    }
    int rc = ensure_parent(path, err);
    if (rc != AD_OK) return rc;
    if (lstat(partial, &st) == 0) {
        int fd;
        rc = h5out__lock_partial(partial, &fd, err);
        if (rc != AD_OK) return rc;
        if (!force) {
            close(fd);
            return ad_error_set(err, AD_ERR_EXISTS, partial, 0, NULL,
                                "holds the results of an interrupted job; move it away, or pass --force "
                                "to replace it");
        }
        /* an interrupted job's file, replaced as asked: it is unlinked while
         * locked, and the new one is a new file */
        if (unlink(partial) != 0) {
            close(fd);
            return ad_error_set(err, AD_ERR_IO, partial, 0, NULL, "cannot replace: %s", strerror(errno));
        }
        close(fd);
    }
    int fd = open(partial, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) {
        if (errno == EEXIST)
            return ad_error_set(err, AD_ERR_EXISTS, partial, 0, NULL,
                                "another job has just created this file; choose another output file with -o");
        return ad_error_set(err, AD_ERR_IO, partial, 0, NULL, "cannot create the output file: %s",
                            strerror(errno));
    }
    if (lock_whole(fd) != 0) {
        unlink(partial);
        close(fd);
        return ad_error_set(err, AD_ERR_IO, partial, 0, NULL, "cannot lock the output file");
    }
    *lock_fd = fd;
    return AD_OK;
}

/* A new file in netCDF-4's manner: creation order tracked, HDF5 1.8 format
 * (readable by older R, MATLAB and netCDF builds). */
hid_t h5out__create_file(const char *name)
{
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t f = H5I_INVALID_HID;
    const unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    if (fcpl < 0 || fapl < 0) goto done;
    /* readable by HDF5 1.8 (older R, MATLAB and netCDF builds) */
    if (H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18) < 0) goto done;
    if (H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) goto done;
    if (H5Pset_link_creation_order(fcpl, order) < 0 || H5Pset_attr_creation_order(fcpl, order) < 0)
        goto done;
    f = H5Fcreate(name, H5F_ACC_TRUNC, fcpl, fapl);
done:;
    hid_t kept = h5out__err_keep(f < 0);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    h5out__err_restore(kept);
    return f;
}

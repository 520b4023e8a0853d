/* Whole-file reading with limits, and atomic writes (see file.h). */
#define _POSIX_C_SOURCE 200809L
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

bool file_read_stream(FILE *f, const char *name, char **out, size_t *len, Diag *d)
{
    size_t cap = 64 * 1024, n = 0;
    char *buf = xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap >= FILE_MAX_BYTES) {
                diag_report(d, DIAG_ERROR, name, 0, 0,
                            "file is larger than the %zu MiB limit; skipped",
                            FILE_MAX_BYTES >> 20);
                xfree(buf);
                return false;
            }
            cap *= 2;
            buf = xrealloc(buf, cap + 1);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                diag_report(d, DIAG_ERROR, name, 0, 0, "cannot read: %s", strerror(errno));
                xfree(buf);
                return false;
            }
            break;
        }
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return true;
}

bool file_read_all(const char *path, char **out, size_t *len, Diag *d)
{
    /* O_NONBLOCK so that opening a FIFO with no writer cannot hang the run. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "cannot open: %s", strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "not a regular file; skipped");
        close(fd);
        return false;
    }
    if ((size_t)st.st_size > FILE_MAX_BYTES) {
        diag_report(d, DIAG_ERROR, path, 0, 0,
                    "file is %lld bytes, larger than the %zu MiB limit; skipped",
                    (long long)st.st_size, FILE_MAX_BYTES >> 20);
        close(fd);
        return false;
    }
    size_t size = (size_t)st.st_size, n = 0;
    char *buf = xmalloc(size + 1);
    while (n < size) {
        ssize_t got = read(fd, buf + n, size - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            diag_report(d, DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(errno));
            xfree(buf);
            close(fd);
            return false;
        }
        if (got == 0)
            break; /* file shrank while reading: analyse what we have */
        n += (size_t)got;
    }
    close(fd);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return true;
}

bool file_write_atomic(const char *path, const char *data, size_t len, Diag *d)
{
    size_t plen = strlen(path);
    char *tmp = xmalloc(plen + 32);
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
        xfree(tmp);
        return false;
    }
    size_t off = 0;
    bool ok = true;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            ok = false;
            break;
        }
        off += (size_t)w;
    }
    if (ok && fsync(fd) != 0 && errno != EINVAL)
        ok = false;
    if (close(fd) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        diag_report(d, DIAG_ERROR, path, 0, 0, "cannot write: %s", strerror(errno));
        unlink(tmp);
    }
    xfree(tmp);
    return ok;
}

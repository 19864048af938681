/* Debian's CPython 3.11 for Swift.
   pyconfig.h defines _GNU_SOURCE/_XOPEN_SOURCE; when glibc's headers are first seen through Python.h
   they get a different fd_set layout than Swift's Glibc module ("__fds_bits ... not present"), and
   only on a cold module cache. Including them first keeps one layout. */
#include <features.h>
#include <sys/select.h>
#define PY_SSIZE_T_CLEAN
#include <Python.h>

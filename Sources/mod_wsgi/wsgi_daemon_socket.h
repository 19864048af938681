/* The module's end of a daemon connection: connect with retries, and reads and writes bounded
 * by a timeout. Plain POSIX sockets plus APR types; no httpd calls. */
#ifndef WSGI_DAEMON_SOCKET_H
#define WSGI_DAEMON_SOCKET_H

#include <sys/uio.h>

#include "apr.h"
#include "apr_errno.h"
#include "apr_time.h"

/* Bytes read ahead from the worker, so that small frames cost one recv() between them. */
#define WSGI_READ_AHEAD_SIZE 16384

typedef struct wsgi_daemon_socket {
    int fd;                          /* -1 when closed */
    apr_interval_time_t timeout;     /* for each wait on the socket */
    apr_size_t start, end;           /* unread bytes are buffer[start .. end) */
    unsigned char buffer[WSGI_READ_AHEAD_SIZE];
} wsgi_daemon_socket;

/* Connects sock (fd -1 on entry) to the Unix socket at path. ENOENT, ECONNREFUSED and EAGAIN are
 * retried (a new socket each time, sleeping 0.1 s growing to 1 s) until connect_timeout has
 * passed; other errors fail at once. On failure the result is the last errno as an
 * apr_status_t. *attempts says how many connects were tried. */
apr_status_t wsgi_daemon_connect(wsgi_daemon_socket *sock, const char *path,
                                 apr_interval_time_t connect_timeout, int *attempts);

void wsgi_daemon_close(wsgi_daemon_socket *sock);

/* Writes all the bytes of iov[0 .. count). APR_TIMEUP when the worker takes none for the
 * timeout. */
apr_status_t wsgi_daemon_writev(wsgi_daemon_socket *sock, struct iovec *iov, int count);

/* Reads exactly n bytes into data. APR_EOF when the worker closed first, APR_TIMEUP when nothing
 * arrived for the timeout. */
apr_status_t wsgi_daemon_read(wsgi_daemon_socket *sock, void *data, apr_size_t n);

/* 1 when a read would not block (bytes or EOF are waiting). */
int wsgi_daemon_readable_now(wsgi_daemon_socket *sock);

#endif

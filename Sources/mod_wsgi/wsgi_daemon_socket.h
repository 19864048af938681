/* The module's end of a daemon connection: connect with retries, frames in and out, each bounded
 * by a deadline. Plain POSIX sockets plus APR types; no httpd calls. */
#ifndef WSGI_DAEMON_SOCKET_H
#define WSGI_DAEMON_SOCKET_H

#include <sys/uio.h>

#include "apr.h"
#include "apr_errno.h"
#include "apr_pools.h"
#include "apr_time.h"

#include "wsgi_wire.h"

/* Bytes read ahead from the worker, so that small frames cost one recv() between them. */
#define WSGI_READ_AHEAD_SIZE 16384

struct wsgi_daemon_socket;

/* Where received bytes come from: recv() on the socket unless a test scripts them. Fills at most
 * n bytes and sets *received (> 0); APR_EOF at the end, APR_TIMEUP past the deadline. */
typedef apr_status_t (*wsgi_receive_fn)(struct wsgi_daemon_socket *sock, void *data, apr_size_t n,
                                        apr_size_t *received);

typedef struct wsgi_daemon_socket {
    int fd;                          /* -1 when closed */
    apr_interval_time_t timeout;     /* budget of one whole operation: a frame sent or received */
    apr_time_t deadline;             /* when the operation under way must have finished */
    wsgi_receive_fn receive;         /* NULL: recv() on fd */
    void *receive_context;           /* for a scripted receive */
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

/* Writes all the bytes of iov[0 .. count) (the vector is consumed). APR_TIMEUP when they are not
 * all written within the timeout, however slowly the worker takes them. */
apr_status_t wsgi_daemon_writev(wsgi_daemon_socket *sock, struct iovec *iov, int count);

/* What reading one frame from the worker gave. */
typedef enum {
    WSGI_READ_FRAME,     /* a frame of a response type, its payload checked (but for a head) */
    WSGI_READ_EOF,       /* the worker closed the connection */
    WSGI_READ_TIMEOUT,   /* the whole frame did not arrive within the timeout */
    WSGI_READ_IO_ERROR,
    WSGI_READ_INVALID    /* a frame the module must not accept; *error says why */
} wsgi_read_result;

/* One frame as read; the payload buffer is reused from frame to frame. */
typedef struct wsgi_frame {
    wsgi_frame_header header;
    unsigned char *payload;
    apr_size_t capacity;
} wsgi_frame;

/* Reads the next frame from the worker: the header is checked before any payload byte is read or
 * allocated (so at most 1 MiB is ever allocated), the type must be one a worker sends, and every
 * payload but RESPONSE_HEAD's (which its user decodes with the group's header-buffer-size) is
 * checked. Header and payload together must arrive within the timeout. *rv and *error say why
 * when the result is not WSGI_READ_FRAME. */
wsgi_read_result wsgi_daemon_read_frame(wsgi_daemon_socket *sock, apr_pool_t *pool,
                                        wsgi_frame *frame, apr_status_t *rv,
                                        wsgi_wire_error *error);

/* 1 when a read would not block (bytes or EOF are waiting), waiting up to `milliseconds` for it
 * (0: only what is there now). */
int wsgi_daemon_readable_within(wsgi_daemon_socket *sock, int milliseconds);

#endif

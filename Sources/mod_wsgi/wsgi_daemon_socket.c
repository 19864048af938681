/* Daemon socket I/O for the request path. The socket is non-blocking and every wait goes
 * through poll() against the deadline of the whole operation (a frame in or out), so a stuck,
 * dead or trickling worker costs at most the configured timeout per frame. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "wsgi_daemon_socket.h"

#define FIRST_RETRY_DELAY apr_time_from_msec(100)
#define LONGEST_RETRY_DELAY apr_time_from_sec(1)

static int is_retryable(int error)
{
    /* ENOENT too: the supervisor creates sockets asynchronously at start-up. */
    return error == ENOENT || error == ECONNREFUSED || error == EAGAIN;
}

static int connect_once(const struct sockaddr_un *address, int *error)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        *error = errno;
        return -1;
    }
    if (connect(fd, (const struct sockaddr *)address, sizeof(*address)) < 0) {
        *error = errno;
        close(fd);
        return -1;
    }
    return fd;
}

apr_status_t wsgi_daemon_connect(wsgi_daemon_socket *sock, const char *path,
                                 apr_interval_time_t connect_timeout, int *attempts)
{
    struct sockaddr_un address;
    apr_time_t deadline = apr_time_now() + connect_timeout;
    apr_interval_time_t delay = FIRST_RETRY_DELAY;
    int error = 0;

    sock->start = sock->end = 0;
    *attempts = 0;
    if (strlen(path) >= sizeof(address.sun_path)) {
        return APR_FROM_OS_ERROR(ENAMETOOLONG);
    }
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    strcpy(address.sun_path, path);

    for (;;) {
        apr_time_t now;

        ++*attempts;
        sock->fd = connect_once(&address, &error);
        if (sock->fd >= 0) {
            return APR_SUCCESS;
        }
        now = apr_time_now();
        if (!is_retryable(error) || now >= deadline) {
            return APR_FROM_OS_ERROR(error);
        }
        apr_sleep(delay < deadline - now ? delay : deadline - now);
        delay = delay * 2 < LONGEST_RETRY_DELAY ? delay * 2 : LONGEST_RETRY_DELAY;
    }
}

void wsgi_daemon_close(wsgi_daemon_socket *sock)
{
    if (sock->fd >= 0) {
        close(sock->fd);
        sock->fd = -1;
    }
}

/* Starts an operation: it must be over within the socket's timeout. */
static void start_operation(wsgi_daemon_socket *sock)
{
    sock->deadline = sock->timeout > 0 ? apr_time_now() + sock->timeout : 0;
}

/* Waits until the socket is ready for events; APR_TIMEUP once the operation's deadline passed. */
static apr_status_t wait_for(wsgi_daemon_socket *sock, short events)
{
    struct pollfd p = {.fd = sock->fd, .events = events};
    int n;

    do {
        int milliseconds = -1;
        if (sock->deadline) {
            apr_interval_time_t left = sock->deadline - apr_time_now();
            apr_int64_t rounded_up = (left + 999) / 1000;
            if (left <= 0) {
                return APR_TIMEUP;
            }
            milliseconds = rounded_up > INT_MAX ? INT_MAX : (int)rounded_up;
        }
        n = poll(&p, 1, milliseconds);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return APR_FROM_OS_ERROR(errno);
    }
    return n == 0 ? APR_TIMEUP : APR_SUCCESS;
}

apr_status_t wsgi_daemon_writev(wsgi_daemon_socket *sock, struct iovec *iov, int count)
{
    start_operation(sock);
    while (count > 0) {
        struct msghdr message = {.msg_iov = iov, .msg_iovlen = (size_t)count};
        ssize_t sent = sendmsg(sock->fd, &message, MSG_NOSIGNAL);

        if (sent < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                apr_status_t rv = wait_for(sock, POLLOUT);
                if (rv != APR_SUCCESS) {
                    return rv;
                }
            }
            else if (errno != EINTR) {
                return APR_FROM_OS_ERROR(errno);
            }
            continue;
        }
        /* Skip what was sent: whole vectors, then part of the next one. */
        while (count > 0 && (size_t)sent >= iov->iov_len) {
            sent -= (ssize_t)iov->iov_len;
            iov++;
            count--;
        }
        if (count > 0) {
            iov->iov_base = (char *)iov->iov_base + sent;
            iov->iov_len -= (size_t)sent;
        }
    }
    return APR_SUCCESS;
}

/* One recv() into data, waiting for bytes first; APR_EOF on a closed connection. */
static apr_status_t receive_from_socket(wsgi_daemon_socket *sock, void *data, apr_size_t n,
                                        apr_size_t *received)
{
    for (;;) {
        ssize_t r = recv(sock->fd, data, n, 0);
        if (r > 0) {
            *received = (apr_size_t)r;
            return APR_SUCCESS;
        }
        if (r == 0) {
            return APR_EOF;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            apr_status_t rv = wait_for(sock, POLLIN);
            if (rv != APR_SUCCESS) {
                return rv;
            }
        }
        else if (errno != EINTR) {
            return APR_FROM_OS_ERROR(errno);
        }
    }
}

static apr_status_t receive(wsgi_daemon_socket *sock, void *data, apr_size_t n,
                            apr_size_t *received)
{
    return sock->receive ? sock->receive(sock, data, n, received)
                         : receive_from_socket(sock, data, n, received);
}

/* Reads exactly n bytes into data, within the operation's deadline. */
static apr_status_t read_exactly(wsgi_daemon_socket *sock, void *data, apr_size_t n)
{
    unsigned char *out = data;

    while (n > 0) {
        apr_size_t buffered = sock->end - sock->start;
        apr_size_t received;
        apr_status_t rv;

        if (buffered > 0) {
            apr_size_t take = buffered < n ? buffered : n;
            memcpy(out, sock->buffer + sock->start, take);
            sock->start += take;
            out += take;
            n -= take;
            continue;
        }
        if (n >= sizeof(sock->buffer)) {
            /* Large payloads go straight to their destination. */
            rv = receive(sock, out, n, &received);
            if (rv != APR_SUCCESS) {
                return rv;
            }
            out += received;
            n -= received;
            continue;
        }
        rv = receive(sock, sock->buffer, sizeof(sock->buffer), &received);
        if (rv != APR_SUCCESS) {
            return rv;
        }
        sock->start = 0;
        sock->end = received;
    }
    return APR_SUCCESS;
}

static wsgi_read_result failed_read(apr_status_t rv)
{
    if (rv == APR_EOF) {
        return WSGI_READ_EOF;
    }
    return APR_STATUS_IS_TIMEUP(rv) ? WSGI_READ_TIMEOUT : WSGI_READ_IO_ERROR;
}

wsgi_read_result wsgi_daemon_read_frame(wsgi_daemon_socket *sock, apr_pool_t *pool,
                                        wsgi_frame *frame, apr_status_t *rv,
                                        wsgi_wire_error *error)
{
    unsigned char header[WSGI_FRAME_HEADER_SIZE];

    *error = WSGI_WIRE_OK;
    start_operation(sock);
    if ((*rv = read_exactly(sock, header, sizeof(header))) != APR_SUCCESS) {
        return failed_read(*rv);
    }
    *error = wsgi_wire_parse_frame_header(header, &frame->header);
    if (*error == WSGI_WIRE_OK && !wsgi_wire_is_response_type(frame->header.type)) {
        *error = WSGI_WIRE_UNEXPECTED_FRAME;
    }
    if (*error != WSGI_WIRE_OK) {
        return WSGI_READ_INVALID;
    }
    if (frame->header.length > frame->capacity) {
        /* Checked against the type's maximum above, so this is bounded (1 MiB). */
        frame->capacity = frame->header.length > 16384 ? frame->header.length : 16384;
        frame->payload = apr_palloc(pool, frame->capacity);
    }
    if ((*rv = read_exactly(sock, frame->payload, frame->header.length)) != APR_SUCCESS) {
        return failed_read(*rv);
    }
    if (frame->header.type != WSGI_FRAME_RESPONSE_HEAD) {
        *error = wsgi_wire_check_response_payload(frame->header.type, frame->payload,
                                                  frame->header.length, pool);
    }
    return *error == WSGI_WIRE_OK ? WSGI_READ_FRAME : WSGI_READ_INVALID;
}

int wsgi_daemon_readable_within(wsgi_daemon_socket *sock, int milliseconds)
{
    struct pollfd p = {.fd = sock->fd, .events = POLLIN};
    int ready;

    if (sock->end > sock->start) {
        return 1;
    }
    if (sock->fd < 0) {
        return 0;
    }
    do {
        ready = poll(&p, 1, milliseconds);
    } while (ready < 0 && errno == EINTR);
    return ready > 0;
}

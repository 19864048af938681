/* The fake worker behind fake_worker.h. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "apr_strings.h"

#include "fake_worker.h"
#include "wire_mirror.h"

#define ACCEPT_WAIT_MS 5000

struct fake_worker {
    apr_pool_t *pool;
    const char *path;
    int listener;
    const fake_reply *replies;
    int count;
    int served;
    fake_request *requests;
    pthread_t thread;
};

static int read_exactly(int fd, void *data, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = recv(fd, (char *)data + got, n - got, 0);
        if (r <= 0) {
            if (r < 0 && errno == EINTR) {
                continue;
            }
            return 0;
        }
        got += (size_t)r;
    }
    return 1;
}

/* Reads frames until REQUEST_END or REQUEST_ABORT; anything else leaves last_type 0. */
static void read_request(fake_worker *w, int fd, fake_request *request)
{
    for (;;) {
        unsigned char header[WSGI_FRAME_HEADER_SIZE];
        wsgi_frame_header frame;
        unsigned char *payload;

        if (!read_exactly(fd, header, sizeof(header))
            || wsgi_wire_parse_frame_header(header, &frame) != WSGI_WIRE_OK) {
            return;
        }
        payload = apr_palloc(w->pool, frame.length + 1);
        if (!read_exactly(fd, payload, frame.length)) {
            return;
        }
        payload[frame.length] = '\0';
        if (request->first_type == 0) {
            request->first_type = frame.type;
        }
        switch (frame.type) {
        case WSGI_FRAME_HELLO:
            if (frame.length == WSGI_HELLO_PAYLOAD) {
                memcpy(request->hello, payload, WSGI_HELLO_PAYLOAD);
                request->hello_seen = 1;
            }
            break;
        case WSGI_FRAME_REQUEST_HEAD:
            mirror_parse_request_head(payload, frame.length, w->pool, &request->environ);
            break;
        case WSGI_FRAME_REQUEST_BODY: {
            char *joined = apr_palloc(w->pool, request->body_length + frame.length + 1);
            if (request->body_length > 0) {
                memcpy(joined, request->body, request->body_length);
            }
            memcpy(joined + request->body_length, payload, frame.length + 1);
            request->body = joined;
            request->body_length += frame.length;
            request->body_frames++;
            break;
        }
        case WSGI_FRAME_REQUEST_ABORT:
            request->abort_reason = (char *)payload;
            request->last_type = frame.type;
            return;
        case WSGI_FRAME_REQUEST_END:
            request->last_type = frame.type;
            return;
        default:
            return;
        }
    }
}

static void send_all(int fd, const unsigned char *data, size_t n, int trickle_ms)
{
    if (trickle_ms > 0) {
        for (; n > 0; data++, n--) {
            if (send(fd, data, 1, MSG_NOSIGNAL) != 1) {
                return;
            }
            usleep((useconds_t)trickle_ms * 1000);
        }
        return;
    }
    while (n > 0) {
        ssize_t s = send(fd, data, n, MSG_NOSIGNAL);
        if (s <= 0) {
            if (s < 0 && errno == EINTR) {
                continue;
            }
            return;
        }
        data += s;
        n -= (size_t)s;
    }
}

/* Keeps fd open until the peer closes it or hold_ms passes. */
static void hold(int fd, int hold_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char sink[256];

    while (hold_ms > 0 && poll(&p, 1, hold_ms) > 0) {
        if (recv(fd, sink, sizeof(sink), 0) <= 0) {
            return;
        }
    }
}

static void *serve(void *data)
{
    fake_worker *w = data;

    while (w->served < w->count) {
        struct pollfd p = {.fd = w->listener, .events = POLLIN};
        const fake_reply *reply = &w->replies[w->served];
        int fd;

        if (poll(&p, 1, ACCEPT_WAIT_MS) <= 0) {
            break;
        }
        fd = accept(w->listener, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        if (!reply->skip_request) {
            read_request(w, fd, &w->requests[w->served]);
        }
        if (reply->trickle_ms > 0) {
            send_all(fd, reply->bytes, reply->trickle_from, 0);
            send_all(fd, reply->bytes + reply->trickle_from, reply->length - reply->trickle_from,
                     reply->trickle_ms);
        }
        else {
            send_all(fd, reply->bytes, reply->length, 0);
        }
        hold(fd, reply->hold_ms);
        close(fd);
        w->served++;
    }
    return NULL;
}

fake_worker *fake_worker_start(apr_pool_t *pool, const char *path, const fake_reply *replies,
                               int count)
{
    fake_worker *w = apr_pcalloc(pool, sizeof(*w));
    struct sockaddr_un address;

    w->pool = pool;
    w->path = apr_pstrdup(pool, path);
    w->replies = replies;
    w->count = count;
    w->requests = apr_pcalloc(pool, sizeof(*w->requests) * (count > 0 ? count : 1));
    memset(&address, 0, sizeof(address));
    address.sun_family = AF_UNIX;
    strncpy(address.sun_path, path, sizeof(address.sun_path) - 1);
    unlink(path);
    w->listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (w->listener < 0 || bind(w->listener, (struct sockaddr *)&address, sizeof(address)) < 0
        || listen(w->listener, 16) < 0) {
        abort();
    }
    pthread_create(&w->thread, NULL, serve, w);
    return w;
}

void fake_worker_stop(fake_worker *w)
{
    pthread_join(w->thread, NULL);
    close(w->listener);
    unlink(w->path);
}

int fake_worker_connections(const fake_worker *w)
{
    return w->served;
}

const fake_request *fake_worker_request(const fake_worker *w, int index)
{
    return &w->requests[index];
}

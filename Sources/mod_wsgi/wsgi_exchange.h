/* One request's conversation with its daemon process group, shared by the request half
 * (wsgi_handler.c) and the response half (wsgi_response.c) of the handler. */
#ifndef WSGI_EXCHANGE_H
#define WSGI_EXCHANGE_H

#include "httpd.h"

#include "wsgi_config.h"
#include "wsgi_daemon_socket.h"
#include "wsgi_wire.h"

/* One request's conversation with its daemon process group. */
typedef struct wsgi_exchange {
    request_rec *r;
    const wsgi_request_config *config;
    const wsgi_daemon_group *group;
    wsgi_daemon_socket sock;         /* the connection to the worker */
    int has_body;
    int write_failed;                /* the worker stopped taking the request */
    wsgi_frame frame;                /* the frame just read; its buffer is reused */
    apr_off_t content_length;        /* what the worker's head declared, -1 when none */
    apr_off_t body_sent;             /* body bytes relayed to the client so far */
} wsgi_exchange;

/* Logs one error line for the request ending with the group and its socket. */
void wsgi_log_failure(const wsgi_exchange *ex, apr_status_t rv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An exchange for r with config's group (has_body: the client's body follows the head). */
wsgi_exchange *wsgi_exchange_new(request_rec *r, const wsgi_request_config *config, int has_body);

/* Connects, sends the request and reads the first frame of the answer, retrying on a fresh
 * connection while the worker says it is going away (for a request without a body). OK with
 * ex->frame holding that frame (RESPONSE_HEAD, HOOK_RESULT or a control frame), else the HTTP
 * status of the failure, logged. */
int wsgi_exchange_open(wsgi_exchange *ex, apr_table_t *environ);

/* Reads the first response frame into ex->frame. OK, or the HTTP status for a
 * missing or invalid frame (logged). */
int wsgi_read_first_frame(wsgi_exchange *ex);

/* The HTTP status for a control frame that ends the request (logged). */
int wsgi_control_frame_status(wsgi_exchange *ex);

/* Applies the RESPONSE_HEAD in ex->frame to the request and relays the body to the client. */
int wsgi_relay_response(wsgi_exchange *ex);

#endif

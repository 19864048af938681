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
    wsgi_frame_header frame;         /* the frame just read */
    unsigned char *payload;          /* its payload; reused, so one frame is held at a time */
    apr_size_t payload_capacity;
} wsgi_exchange;

/* Logs one error line for the request ending with the group and its socket. */
void wsgi_log_failure(const wsgi_exchange *ex, apr_status_t rv, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reads the first response frame into ex->frame / ex->payload. OK, or the HTTP status for a
 * missing or invalid frame (logged). */
int wsgi_read_first_frame(wsgi_exchange *ex);

/* The HTTP status for a control frame that ends the request (logged). */
int wsgi_control_frame_status(wsgi_exchange *ex);

/* Applies the RESPONSE_HEAD in ex->payload to the request and relays the body to the client. */
int wsgi_relay_response(wsgi_exchange *ex);

#endif

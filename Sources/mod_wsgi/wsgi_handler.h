/* The content handler: forwards a "wsgi-script" request to its daemon process group over the
 * wire protocol (protocol/PROTOCOL.md) and relays the response through Apache's filters. */
#ifndef WSGI_HANDLER_H
#define WSGI_HANDLER_H

#include "httpd.h"

/* The handler hook (registered by mod_wsgi.c). DECLINED for other handlers. */
int wsgi_handler(request_rec *r);

#endif

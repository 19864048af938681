/* See wsgi_response_rules.h. */
#include <string.h>

#include "apr_lib.h"
#include "apr_strings.h"

#include "wsgi_response_rules.h"

/* Headers that describe the connection rather than the response (RFC 9110 section 7.6.1, and
 * PEP 3333 forbids an application to send them): Apache decides these. */
static const char *const hop_by_hop[] = {
    "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
    "Upgrade", NULL
};

static int is_hop_by_hop(const char *name)
{
    int i;
    for (i = 0; hop_by_hop[i]; i++) {
        if (strcasecmp(name, hop_by_hop[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

apr_status_t wsgi_parse_content_length(const char *value, apr_off_t *length)
{
    const char *p;
    apr_off_t result = 0;

    if (*value == '\0') {
        return APR_EINVAL;
    }
    for (p = value; *p; p++) {
        int digit = *p - '0';
        if (!apr_isdigit(*p)) {
            return APR_EINVAL;
        }
        if (result > (APR_INT64_MAX - digit) / 10) {
            return APR_EINVAL;
        }
        result = result * 10 + digit;
    }
    *length = result;
    return APR_SUCCESS;
}

const char *wsgi_check_response_framing(const wsgi_response_head *head,
                                        apr_off_t *content_length, apr_pool_t *pool)
{
    unsigned int i;
    int seen_length = 0;

    *content_length = -1;
    for (i = 0; i < head->header_count; i++) {
        const char *name = head->headers[i].name;

        if (is_hop_by_hop(name)) {
            return apr_psprintf(pool, "'%s' is a hop-by-hop header; Apache manages the "
                                "connection itself", name);
        }
        if (strcasecmp(name, "Content-Length") != 0) {
            continue;
        }
        if (seen_length++) {
            return "more than one Content-Length header";
        }
        if (wsgi_parse_content_length(head->headers[i].value, content_length) != APR_SUCCESS) {
            return apr_psprintf(pool, "Content-Length '%.64s' is not a decimal number of bytes",
                                head->headers[i].value);
        }
    }
    return NULL;
}

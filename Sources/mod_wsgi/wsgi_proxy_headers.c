/* See wsgi_proxy_headers.h. */
#include <string.h>

#include "apr_lib.h"
#include "apr_strings.h"

#include "wsgi_proxy_headers.h"

typedef enum {
    KIND_CLIENT, KIND_HOST, KIND_SERVER, KIND_PORT, KIND_SCRIPT_NAME, KIND_SCHEME, KIND_COUNT
} header_kind;

typedef struct {
    const char *variable;
    header_kind kind;
    void (*apply)(apr_pool_t *p, apr_table_t *environ, const char *value,
                  const apr_array_header_t *proxies);
} proxy_header;

static int is_trusted_address(apr_pool_t *p, const char *address,
                              const apr_array_header_t *proxies)
{
    apr_sockaddr_t *sa;
    int i;

    if (!address || apr_sockaddr_info_get(&sa, address, APR_UNSPEC, 0, 0, p) != APR_SUCCESS)
        return 0;
    for (i = 0; i < proxies->nelts; i++) {
        if (apr_ipsubnet_test(((apr_ipsubnet_t **)proxies->elts)[i], sa))
            return 1;
    }
    return 0;
}

/* The non-empty, trimmed items of a comma-separated list. */
static apr_array_header_t *list_items(apr_pool_t *p, const char *value)
{
    apr_array_header_t *items = apr_array_make(p, 4, sizeof(const char *));
    char *copy = apr_pstrdup(p, value), *state = NULL, *item;

    for (item = apr_strtok(copy, ",", &state); item; item = apr_strtok(NULL, ",", &state)) {
        char *end;
        while (apr_isspace(*item))
            item++;
        end = item + strlen(item);
        while (end > item && apr_isspace(end[-1]))
            *--end = '\0';
        if (*item)
            *(const char **)apr_array_push(items) = item;
    }
    return items;
}

/* X-Forwarded-For: client, proxy1, proxy2. With a list of trusted proxies, the client is the
 * address just before the trusted ones at the end, and the list is cut to start there; without
 * one, the first address is the client. */
static void apply_forwarded_for(apr_pool_t *p, apr_table_t *environ, const char *value,
                                const apr_array_header_t *proxies)
{
    apr_array_header_t *items = list_items(p, value);
    const char **item = (const char **)items->elts;
    int first_trusted = -1, client, i;
    const char *list;

    if (items->nelts == 0)
        return;
    if (!proxies) {
        apr_table_setn(environ, "REMOTE_ADDR", item[0]);
        return;
    }
    for (i = items->nelts - 1; i >= 0 && is_trusted_address(p, item[i], proxies); i--)
        first_trusted = i;
    client = first_trusted < 0 ? items->nelts - 1 : (first_trusted > 0 ? first_trusted - 1 : 0);
    list = item[client];
    for (i = client + 1; i < items->nelts; i++)
        list = apr_pstrcat(p, list, ", ", item[i], NULL);
    apr_table_setn(environ, "REMOTE_ADDR", item[client]);
    apr_table_setn(environ, "HTTP_X_FORWARDED_FOR", list);
}

static void apply_client_address(apr_pool_t *p, apr_table_t *environ, const char *value,
                                 const apr_array_header_t *proxies)
{
    apr_table_setn(environ, "REMOTE_ADDR", value);
}

static void apply_host(apr_pool_t *p, apr_table_t *environ, const char *value,
                       const apr_array_header_t *proxies)
{
    apr_table_setn(environ, "HTTP_HOST", value);
}

static void apply_server(apr_pool_t *p, apr_table_t *environ, const char *value,
                         const apr_array_header_t *proxies)
{
    apr_table_setn(environ, "SERVER_NAME", value);
}

static void apply_port(apr_pool_t *p, apr_table_t *environ, const char *value,
                       const apr_array_header_t *proxies)
{
    apr_table_setn(environ, "SERVER_PORT", value);
}

static void apply_script_name(apr_pool_t *p, apr_table_t *environ, const char *value,
                              const apr_array_header_t *proxies)
{
    apr_table_setn(environ, "mod_wsgi.mount_point", value);
    apr_table_setn(environ, "SCRIPT_NAME", value);
}

/* "https" or "http". */
static void apply_scheme_name(apr_pool_t *p, apr_table_t *environ, const char *value,
                              const apr_array_header_t *proxies)
{
    if (!strcasecmp(value, "https"))
        apr_table_setn(environ, "HTTPS", "1");
    else if (!strcasecmp(value, "http"))
        apr_table_unset(environ, "HTTPS");
}

/* On/true/1 or Off/false/0. */
static void apply_scheme_flag(apr_pool_t *p, apr_table_t *environ, const char *value,
                              const apr_array_header_t *proxies)
{
    if (!strcasecmp(value, "On") || !strcasecmp(value, "true") || !strcmp(value, "1"))
        apr_table_setn(environ, "HTTPS", "1");
    else if (!strcasecmp(value, "Off") || !strcasecmp(value, "false") || !strcmp(value, "0"))
        apr_table_unset(environ, "HTTPS");
}

/* Every header of each kind: trusting one removes the others of its kind (mod_wsgi 4.9.1's
 * lesson, CVE-2022-2255: stripping only the header named left its aliases to the client). */
static const proxy_header known_headers[] = {
    {"HTTP_X_FORWARDED_FOR", KIND_CLIENT, apply_forwarded_for},
    {"HTTP_X_CLIENT_IP", KIND_CLIENT, apply_client_address},
    {"HTTP_X_REAL_IP", KIND_CLIENT, apply_client_address},
    {"HTTP_X_FORWARDED_HOST", KIND_HOST, apply_host},
    {"HTTP_X_HOST", KIND_HOST, apply_host},
    {"HTTP_X_FORWARDED_SERVER", KIND_SERVER, apply_server},
    {"HTTP_X_FORWARDED_PORT", KIND_PORT, apply_port},
    {"HTTP_X_SCRIPT_NAME", KIND_SCRIPT_NAME, apply_script_name},
    {"HTTP_X_FORWARDED_SCRIPT_NAME", KIND_SCRIPT_NAME, apply_script_name},
    {"HTTP_X_FORWARDED_PROTO", KIND_SCHEME, apply_scheme_name},
    {"HTTP_X_FORWARDED_SCHEME", KIND_SCHEME, apply_scheme_name},
    {"HTTP_X_SCHEME", KIND_SCHEME, apply_scheme_name},
    {"HTTP_X_FORWARDED_HTTPS", KIND_SCHEME, apply_scheme_flag},
    {"HTTP_X_FORWARDED_SSL", KIND_SCHEME, apply_scheme_flag},
    {"HTTP_X_HTTPS", KIND_SCHEME, apply_scheme_flag},
    {NULL, KIND_COUNT, NULL}
};

static const proxy_header *find_header(const char *variable)
{
    const proxy_header *header;
    for (header = known_headers; header->variable; header++) {
        if (!strcmp(header->variable, variable))
            return header;
    }
    return NULL;
}

const char *wsgi_proxy_header_variable(apr_pool_t *p, const char *header)
{
    char *variable = apr_pstrcat(p, "HTTP_", header, NULL), *c;
    for (c = variable + 5; *c; c++)
        *c = apr_isalnum(*c) ? apr_toupper(*c) : '_';
    return variable;
}

const char *wsgi_parse_trusted_proxy(apr_pool_t *p, const char *text, apr_ipsubnet_t **subnet)
{
    char *address = apr_pstrdup(p, text);
    char *mask = strchr(address, '/');
    const char *c;
    char error[128];
    apr_status_t rv;

    /* Only literal addresses: apr_ipsubnet_create would take a host name and resolve nothing. */
    for (c = text; *c; c++) {
        if (!apr_isxdigit(*c) && !strchr(".:/", *c))
            return apr_psprintf(p, "'%s' is not an IP address or subnet", text);
    }
    if (mask)
        *mask++ = '\0';
    rv = apr_ipsubnet_create(subnet, address, mask, p);
    if (rv != APR_SUCCESS)
        return apr_psprintf(p, "'%s' is not an IP address or subnet (%s)", text,
                            apr_strerror(rv, error, sizeof(error)));
    return NULL;
}

void wsgi_apply_trusted_proxy_headers(apr_pool_t *p, apr_table_t *environ,
                                      const apr_array_header_t *trusted_headers,
                                      const apr_array_header_t *trusted_proxies)
{
    const char *kept[KIND_COUNT] = {NULL};
    int named[KIND_COUNT] = {0};
    const proxy_header *header;
    int trusted_peer, i;

    if (!trusted_headers)
        return;
    /* Judged on the peer's own address, before any header replaces it. */
    trusted_peer = !trusted_proxies
                   || is_trusted_address(p, apr_table_get(environ, "REMOTE_ADDR"),
                                         trusted_proxies);
    for (i = 0; i < trusted_headers->nelts; i++) {
        const char *variable = ((const char **)trusted_headers->elts)[i];
        const char *value;

        if (!(header = find_header(variable)))
            continue;
        named[header->kind] = 1;
        if (!trusted_peer || !(value = apr_table_get(environ, variable)))
            continue;
        header->apply(p, environ, value, trusted_proxies);
        kept[header->kind] = header->variable;
    }
    for (header = known_headers; header->variable; header++) {
        if (named[header->kind] && header->variable != kept[header->kind])
            apr_table_unset(environ, header->variable);
    }
}

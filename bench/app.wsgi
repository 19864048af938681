"""The benchmark app, identical for both servers."""
HELLO = b"Hello World!"
K64 = b"k" * 65536
M1 = b"m" * 1048576


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/post":
        stream = environ["wsgi.input"]
        size = 0
        while True:
            block = stream.read(65536)
            if not block:
                break
            size += len(block)
        body = str(size).encode()
    elif path == "/64k":
        body = K64
    elif path == "/1m":
        body = M1
    else:
        body = HELLO
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]

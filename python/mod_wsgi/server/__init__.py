"""The installed programs live in this folder, side by side: mod_wsgi-express, the Apache module
mod_wsgi-swift.so (express finds it beside itself) and mod_wsgi-daemon (the module finds it beside
itself). As a Django app (mod_wsgi 4's name; 6 calls it mod_wsgi.express) it adds runmodwsgi."""

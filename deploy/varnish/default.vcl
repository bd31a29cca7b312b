#
# Varnish in front of the clinic content service (Varnish 7.1 or later, with vmod_xkey from
# varnish-modules). This file caches the public GraphQL answers per clinic, exactly as the origin's
# Cache-Control allows, and removes them by tag when the service sends a PURGE after a publish.
#
# What an operator edits: the two lines `.host` and `.port` of `backend default` (where the service
# listens) and, if the service runs on another machine, the addresses in `acl purgers` (who may purge).
# Nothing else needs changing. Start it with, for example:
#
#   varnishd -a :6081 -f /etc/varnish/default.vcl -s malloc,1g
#
# and give the service the Varnish URLs to purge (docs/operators.md). A test in this repository
# (tests/int/varnish-vcl.test.ts) runs this very file under Debian's varnishd and checks every promise
# below against a small origin.
#
# What Varnish does, in short:
# - GET and HEAD of /graphql and /sites/… are looked up in the cache; everything else (POST, /admin,
#   /api, uploads, the editor's routes, …) goes to the service untouched and is never stored.
# - The cache key includes the Authorization header: each clinic key has its own copies; an answer to
#   one key is never served to another, nor to a caller without one.
# - An answer is stored only when the origin says so (`public` or `s-maxage`) and nothing says otherwise
#   (`private`, `no-store`, `no-cache`, `Set-Cookie`, `Vary: *`). Freshness is the origin's `s-maxage`;
#   `stale-while-revalidate` is the grace during which Varnish serves the stored copy while it fetches a
#   new one in the background. Both are read by varnishd itself (RFC 5861 support in its TTL rules).
# - Purge keys (xkey) come from the answer's `xkey` header if there is one, else from `Cache-Tag`.
# - `PURGE` with an `xkey` header, from an address in `acl purgers`, removes every stored answer that
#   carries any of the keys (a hard purge) and answers 200 with `X-Purged: <number removed>`.
# - Every answer says what Varnish did in `X-Edge-Cache`: HIT, MISS, PASS (not stored) or SYNTH
#   (answered by Varnish itself: purges, refusals). The origin's own `X-Cache` is left as it is.
#
vcl 4.1;

import std;
import xkey;

# Where the service listens. Edit these two lines (keep each on its own line: the test harness
# rewrites them).
backend default {
    .host = "127.0.0.1";
    .port = "1337";
}

# Who may purge: the machines the service runs on. Varnish compares the address of the TCP
# connection (client.ip); X-Forwarded-For is never trusted here, so send purges to Varnish directly,
# not through a load balancer in front of it (or list that balancer, knowing it lets anyone through).
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    # Built-in: lower-cases Host and refuses an HTTP/1.1 request without one.
    call vcl_req_host;

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "PURGE needs an xkey header"));
        }
        # Keys separated by spaces and/or commas (vmod_xkey splits on both). A hard purge: the
        # objects are gone at once, with no grace left, so nobody is served a copy older than the
        # publish that caused the purge. xkey.softpurge() would keep them servable as stale for their
        # grace (up to stale-while-revalidate): never used here.
        set req.http.X-Edge-Purged = xkey.purge(req.http.xkey);
        return (synth(200, "Purged"));
    }

    # Only reads can come from the cache; POST /graphql (and any other method) goes to the origin.
    # Unlike the built-in rules, odd methods are passed too, never piped: a pipe would send later
    # requests of the same connection past this file.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }

    # The paths whose answers may be stored: the GraphQL API (persisted queries over GET) and the
    # reference pages under /sites/ (today they say `no-cache`, so they are passed on anyway, but
    # they would be cached the day they say `public`). The admin panel, the REST API, uploads and
    # every other route are passed: they carry sessions and must never be shared.
    if (req.url !~ "^/graphql(\?|$)" && req.url !~ "^/sites/") {
        return (pass);
    }

    # Neither the API nor the pages read cookies (clinics are told apart by their key). A cookie a
    # browser sends for this host (an admin session, say) is not sent on: an answer fetched with it
    # is stored and shared, so it must not depend on it, and a session cookie has no business in a
    # shared cache's fetches. (The built-in rule would pass every request with a cookie instead.)
    unset req.http.Cookie;

    # Deliberately NOT the built-in rule that passes every request with an Authorization header:
    # the key is part of the cache key (vcl_hash), so each clinic has its own copies.
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    # One copy per clinic key; "anonymous" cannot collide with a key because of the prefix. The
    # origin's `Vary: Authorization` says the same thing; this makes it hold even if it were missing.
    if (req.http.Authorization) {
        hash_data("authorization:" + req.http.Authorization);
    } else {
        hash_data("anonymous");
    }
    return (lookup);
}

sub vcl_backend_response {
    # A pass (POST, /admin, …): handed over as the origin sent it, never stored.
    if (bereq.uncacheable) {
        return (deliver);
    }

    # Stored only when the origin explicitly allows a shared cache to keep it: `public` or `s-maxage`
    # (RFC 9111 3.5 requires one of them before a shared cache reuses an answer to a request with
    # Authorization; requiring it always also keeps an answer without Cache-Control from being kept
    # for varnishd's default 120 s). Previews and errors say private/no-store: never stored.
    if (beresp.ttl <= 0s
        || beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(?i)(public|s-maxage)"
        || beresp.http.Vary == "*") {
        call edge_do_not_store;
    }

    # Purge keys. The origin may send short keys meant for Varnish in `xkey` (kept as they are);
    # otherwise the keys are the `Cache-Tag` tags, whose commas become spaces (several Cache-Tag
    # lines are joined first). vmod_xkey indexes the stored object's `xkey` header when the object
    # enters the cache; vcl_deliver hides it from clients again.
    if (!beresp.http.xkey && beresp.http.Cache-Tag) {
        std.collect(beresp.http.Cache-Tag, ",");
        set beresp.http.xkey = regsuball(beresp.http.Cache-Tag, "[,\s]+", " ");
    }

    # ETag: kept exactly as the origin sent it, and Varnish answers If-None-Match from the stored
    # object with 304. Do not turn on beresp.do_gzip / do_gunzip / do_esi here: varnishd then
    # rewrites the body and weakens the ETag to W/"…" (still matched by If-None-Match, but no longer
    # the origin's value). Should the origin ever compress, a client that does not accept gzip gets
    # the body unzipped by Varnish, and a weak ETag, on that answer only.
    return (deliver);
}

# Not stored: remembered for 120 s as "hit-for-miss", so requests for it go straight to the origin
# without queueing behind each other, and the next answer that is cacheable replaces it.
sub edge_do_not_store {
    set beresp.ttl = 120s;
    set beresp.grace = 0s;
    set beresp.uncacheable = true;
    return (deliver);
}

# The origin could not be reached (or timed out): a short plain-text 503 that nobody stores. A stored
# copy still within its grace is served instead of this, as long as there is one.
sub vcl_backend_error {
    set beresp.http.Content-Type = "text/plain; charset=utf-8";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "5";
    set beresp.body = "" + beresp.status + " " + beresp.reason;
    return (deliver);
}

sub vcl_deliver {
    # What Varnish did. obj.hits counts earlier deliveries of this stored object (stale ones in
    # grace included); an uncacheable object is a pass or a hit-for-miss.
    if (obj.uncacheable) {
        set resp.http.X-Edge-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Edge-Cache = "HIT";
    } else {
        set resp.http.X-Edge-Cache = "MISS";
    }
    # The purge keys are Varnish's business; Cache-Tag (for any CDN in front) stays. Age is set by
    # varnishd on every answer from the cache (seconds since the origin answered).
    unset resp.http.xkey;
    return (deliver);
}

sub vcl_synth {
    # Answers Varnish makes itself: purges and refusals. Plain text instead of the built-in HTML page.
    set resp.http.X-Edge-Cache = "SYNTH";
    set resp.http.Cache-Control = "no-store";
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    if (req.method == "PURGE" && resp.status == 200) {
        set resp.http.X-Purged = req.http.X-Edge-Purged;
        set resp.body = "Purged " + req.http.X-Edge-Purged + " objects";
    } else {
        set resp.body = "" + resp.status + " " + resp.reason;
    }
    return (deliver);
}

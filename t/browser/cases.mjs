// The fetch() matrix: what Chromium must decide for each request, and what
// the server must have logged for it.
//
// A case:
//   id      unique; sent as the first query parameter c=<id>, so the API's
//           access log can be matched to the case
//   what    one line for the report
//   page    'app' (allowed origin), 'other' (never allowed; the same site
//           as the API, 127.0.0.1), 'cross' (never allowed; another site,
//           cross.test), 'self' (a page of the API's own origin), or
//           'sandbox' (an <iframe sandbox="allow-scripts"> in the app page:
//           origin null)
//   path    on the API origin; query adds parameters after c=<id>
//   init    the fetch() options
//   form    instead of init: the fields of a form POST the page submits
//           into an iframe (a navigation: expect verdict 'navigated')
//   read    response headers to read (default: READ)
//   expect  verdict 'resolved' or 'TypeError'; for resolved: status, the
//           value of each header read (null: not readable), and optionally
//           a subset of the JSON body and redirected; for TypeError:
//           cors, the corsError Chromium reports over DevTools
//   log     what the API logged for the case, in order: "METHOD STATUS
//           CORS_RESULT" (a dash where mod_cors set no CORS_RESULT)
//   reasons optional: the CORS_REASON of each of those lines ('-': none)
//   steps   instead of init: several fetches of the same URL, with
//           'wait' between them to outlast Chromium's 5 s default preflight
//           cache (the runner waits once for all such cases)

export const READ = ['x-exposed', 'x-hidden', 'content-type'];

const EXPOSED = 'exposed-value';
const HIDDEN = 'hidden-value';
const JSON_CT = 'application/json';
const AUTH = 'Basic ' + Buffer.from('admin:secret').toString('base64');

// Readable header sets.
const onlyExposed = { 'x-exposed': EXPOSED, 'x-hidden': null, 'content-type': JSON_CT };
const none = { 'x-exposed': null, 'x-hidden': null, 'content-type': JSON_CT };
const both = { 'x-exposed': EXPOSED, 'x-hidden': HIDDEN, 'content-type': JSON_CT };

const ok = (status, headers, extra = {}) => ({ verdict: 'resolved', status, headers, ...extra });
const navigated = { verdict: 'navigated' };
const opaque = ok(0, { 'x-exposed': null, 'x-hidden': null, 'content-type': null }, { type: 'opaque' });
const refused = (cors) => ({ verdict: 'TypeError', cors });

export function buildCases() {
  const cases = [
    // --- the public, read-only tree -------------------------------------
    {
      id: 'pub-get', what: 'public tree: simple GET; X-Exposed readable, X-Hidden not; no cookie sent',
      path: '/b/public/items', init: {},
      expect: ok(200, onlyExposed, { body: { method: 'GET', cookie: null } }),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'pub-head', what: 'public tree: HEAD is a simple method',
      path: '/b/public/items', init: { method: 'HEAD' },
      expect: ok(200, onlyExposed),
      log: ['HEAD 200 actual-ok'],
    },
    {
      id: 'pub-post-text', what: 'public tree: POST text/plain is simple (POST is always allowed)',
      path: '/b/public/items', init: { method: 'POST', body: 'hello', headers: { 'Content-Type': 'text/plain' } },
      expect: ok(200, onlyExposed, { body: { method: 'POST', body: 'hello' } }),
      log: ['POST 200 actual-ok'],
    },
    {
      id: 'pub-post-json', what: 'public tree: POST application/json is preflighted; Content-Type needs no listing',
      path: '/b/public/items', init: { method: 'POST', body: '{"a":1}', headers: { 'Content-Type': 'application/json' } },
      expect: ok(200, onlyExposed, { body: { method: 'POST', body: '{"a":1}' } }),
      log: ['OPTIONS 204 preflight-ok', 'POST 200 actual-ok'],
    },
    {
      id: 'pub-put', what: 'public tree: PUT is not allowed: the preflight is refused',
      path: '/b/public/items/1', init: { method: 'PUT', body: 'x' },
      expect: refused('PreflightMissingAllowOriginHeader'),
      log: ['OPTIONS 403 preflight-denied'],
    },
    {
      id: 'pub-delete', what: 'public tree: DELETE is not allowed: the preflight is refused',
      path: '/b/public/items/1', init: { method: 'DELETE' },
      expect: refused('PreflightMissingAllowOriginHeader'),
      log: ['OPTIONS 403 preflight-denied'],
    },
    {
      id: 'pub-hdr-allowed', what: 'public tree: custom request header X-Allowed is listed',
      path: '/b/public/items', init: { headers: { 'X-Allowed': 'yes' } },
      expect: ok(200, onlyExposed, { body: { x_allowed: 'yes' } }),
      log: ['OPTIONS 204 preflight-ok', 'GET 200 actual-ok'],
    },
    {
      id: 'pub-hdr-refused', what: 'public tree: custom request header X-Refused is not listed',
      path: '/b/public/items', init: { headers: { 'X-Refused': 'yes' } },
      expect: refused('PreflightMissingAllowOriginHeader'),
      log: ['OPTIONS 403 preflight-denied'],
    },
    {
      id: 'pub-other', what: 'public tree: a disallowed page origin gets no Access-Control-Allow-Origin',
      page: 'other', path: '/b/public/items', init: {},
      expect: refused('MissingAllowOriginHeader'),
      log: ['GET 200 actual-denied'],
    },
    {
      id: 'pub-other-preflight', what: 'public tree: a disallowed page origin: the preflight is refused',
      page: 'other', path: '/b/public/items', init: { headers: { 'X-Allowed': 'yes' } },
      expect: refused('PreflightMissingAllowOriginHeader'),
      log: ['OPTIONS 403 preflight-denied'],
    },
    {
      id: 'pub-other-handler-acao', what: "public tree: the handler's own Access-Control-Allow-Origin: * is removed",
      page: 'other', path: '/b/public/items', query: 'acao=*', init: {},
      expect: refused('MissingAllowOriginHeader'),
      log: ['GET 200 actual-denied'],
    },
    {
      id: 'pub-404', what: 'public tree: a 404 from the handler is readable, with its exposed header',
      path: '/b/public/missing', query: 'status=404', init: {},
      expect: ok(404, onlyExposed),
      log: ['GET 404 actual-ok'],
    },
    {
      id: 'pub-500', what: 'public tree: a 500 from the handler is readable, with its exposed header',
      path: '/b/public/broken', query: 'status=500', init: {},
      expect: ok(500, onlyExposed),
      log: ['GET 500 actual-ok'],
    },
    {
      id: 'static-404', what: "Apache's own 404 for a missing static file is readable",
      path: '/static/missing.txt', init: {}, read: ['content-type'],
      expect: ok(404, { 'content-type': 'text/html; charset=iso-8859-1' }),
      log: ['GET 404 actual-ok'],
    },

    // --- CORSEngine Off, CORSAllowOriginMatch ----------------------------
    {
      id: 'off', what: 'CORSEngine Off: nothing added, the browser refuses',
      path: '/b/off/items', init: {},
      expect: refused('MissingAllowOriginHeader'),
      log: ['GET 200 -'],
    },
    {
      id: 'off-handler-acao', what: "CORSEngine Off: the handler's own Access-Control-Allow-Origin is left alone",
      path: '/b/off/items', query: 'acao=*', init: {},
      expect: ok(200, none),
      log: ['GET 200 -'],
    },
    {
      id: 'match-app', what: 'CORSAllowOriginMatch: the app origin matches',
      path: '/b/match/items', init: {},
      expect: ok(200, none),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'match-other', what: 'CORSAllowOriginMatch: the other origin does not',
      page: 'other', path: '/b/match/items', init: {},
      expect: refused('MissingAllowOriginHeader'),
      log: ['GET 200 actual-denied'],
    },

    // --- the admin CRUD tree behind Basic auth ---------------------------
    {
      id: 'admin-get-noauth', what: 'admin tree: GET without credentials is a readable 401',
      path: '/b/admin/items', init: {},
      expect: ok(401, { 'x-exposed': null, 'x-hidden': null, 'content-type': 'text/html; charset=iso-8859-1' }),
      log: ['GET 401 actual-ok'],
    },
    {
      id: 'admin-put-noauth', what: 'admin tree: PUT without credentials: the preflight passes, the PUT is 401',
      path: '/b/admin/items/1', init: { method: 'PUT', body: '{}', headers: { 'Content-Type': 'application/json' } },
      expect: ok(401, { 'x-exposed': null, 'x-hidden': null, 'content-type': 'text/html; charset=iso-8859-1' }),
      log: ['OPTIONS 204 preflight-ok', 'PUT 401 actual-ok'],
    },
    {
      id: 'admin-put-auth', what: 'admin tree: PUT with Authorization: the preflight passes, the PUT is 200',
      path: '/b/admin/items/1',
      init: { method: 'PUT', body: '{"n":1}', headers: { 'Content-Type': 'application/json', Authorization: AUTH } },
      expect: ok(200, onlyExposed, { body: { method: 'PUT', user: 'admin', body: '{"n":1}' } }),
      log: ['OPTIONS 204 preflight-ok', 'PUT 200 actual-ok'],
    },
    {
      id: 'admin-post-auth', what: 'admin tree: POST (create) with Authorization',
      path: '/b/admin/items',
      init: { method: 'POST', body: '{"n":2}', headers: { 'Content-Type': 'application/json', Authorization: AUTH } },
      expect: ok(200, onlyExposed, { body: { method: 'POST', user: 'admin' } }),
      log: ['OPTIONS 204 preflight-ok', 'POST 200 actual-ok'],
    },
    {
      id: 'admin-patch-auth', what: 'admin tree: PATCH with Authorization',
      path: '/b/admin/items/1',
      init: { method: 'PATCH', body: '{"n":3}', headers: { 'Content-Type': 'application/json', Authorization: AUTH } },
      expect: ok(200, onlyExposed, { body: { method: 'PATCH', user: 'admin' } }),
      log: ['OPTIONS 204 preflight-ok', 'PATCH 200 actual-ok'],
    },
    {
      id: 'admin-delete-auth', what: 'admin tree: DELETE with Authorization',
      path: '/b/admin/items/1', init: { method: 'DELETE', headers: { Authorization: AUTH } },
      expect: ok(200, onlyExposed, { body: { method: 'DELETE', user: 'admin' } }),
      log: ['OPTIONS 204 preflight-ok', 'DELETE 200 actual-ok'],
    },
    {
      id: 'admin-get-include', what: "admin tree: credentials: 'include' plus Authorization; the cookie goes too",
      path: '/b/admin/items', init: { credentials: 'include', headers: { Authorization: AUTH } },
      expect: ok(200, onlyExposed, { body: { method: 'GET', user: 'admin', cookie: 'bt=1' } }),
      log: ['OPTIONS 204 preflight-ok', 'GET 200 actual-ok'],
    },
    {
      id: 'admin-other', what: 'admin tree: a disallowed page origin: the preflight is refused',
      page: 'other', path: '/b/admin/items/1', init: { method: 'DELETE', headers: { Authorization: AUTH } },
      expect: refused('PreflightMissingAllowOriginHeader'),
      log: ['OPTIONS 403 preflight-denied'],
    },
    {
      id: 'admin-strict', what: 'CORSPreflightBypassAuth Off: the preflight meets Basic auth, 401, refused',
      path: '/b/admin/strict/items/1', init: { method: 'DELETE', headers: { Authorization: AUTH } },
      expect: refused('PreflightMissingAllowOriginHeader'),
      log: ['OPTIONS 401 preflight-denied'],
    },

    // --- CORSAllowHeaders * and Authorization -----------------------------
    {
      id: 'star-hdr-custom', what: 'CORSAllowHeaders *: any custom header',
      path: '/b/star-headers/items', init: { method: 'PUT', headers: { 'X-Anything': 'yes' } },
      expect: ok(200, none, { body: { method: 'PUT' } }),
      log: ['OPTIONS 204 preflight-ok', 'PUT 200 actual-ok'],
    },
    {
      id: 'star-hdr-auth', what: 'CORSAllowHeaders *: never covers Authorization',
      path: '/b/star-headers/items', init: { headers: { Authorization: AUTH } },
      expect: refused('PreflightMissingAllowOriginHeader'),
      log: ['OPTIONS 403 preflight-denied'],
    },
    {
      id: 'star-hdr-auth-listed', what: 'CORSAllowHeaders * Authorization: Authorization allowed',
      path: '/b/star-headers-auth/items', init: { headers: { Authorization: AUTH, 'X-Anything': 'yes' } },
      expect: ok(200, none),
      log: ['OPTIONS 204 preflight-ok', 'GET 200 actual-ok'],
    },

    // --- credentials ------------------------------------------------------
    {
      id: 'cred-include', what: "CORSAllowCredentials On: credentials: 'include' resolves, the cookie is sent",
      path: '/b/cred/items', init: { credentials: 'include' },
      expect: ok(200, onlyExposed, { body: { cookie: 'bt=1' } }),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'cred-include-preflight', what: "CORSAllowCredentials On: a preflighted credentialed request",
      path: '/b/cred/items',
      init: { method: 'POST', credentials: 'include', body: '{}', headers: { 'Content-Type': 'application/json' } },
      expect: ok(200, onlyExposed, { body: { method: 'POST', cookie: 'bt=1' } }),
      log: ['OPTIONS 204 preflight-ok', 'POST 200 actual-ok'],
    },
    {
      id: 'nocred-include', what: "no CORSAllowCredentials: credentials: 'include' is refused",
      path: '/b/nocred/items', init: { credentials: 'include' },
      expect: refused('InvalidAllowCredentials'),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'nocred-include-preflight', what: "no CORSAllowCredentials: a preflighted credentialed request is refused",
      path: '/b/nocred/items',
      init: { method: 'POST', credentials: 'include', body: '{}', headers: { 'Content-Type': 'application/json' } },
      expect: refused('PreflightInvalidAllowCredentials'),
      log: ['OPTIONS 204 preflight-ok'],
    },
    {
      id: 'nocred-omit', what: 'no CORSAllowCredentials: a request without credentials resolves',
      path: '/b/nocred/items', init: {},
      expect: ok(200, onlyExposed, { body: { cookie: null } }),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'any-omit', what: 'CORSAllowOrigin *: resolves without credentials',
      path: '/b/any/items', init: {},
      expect: ok(200, onlyExposed),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'any-other', what: 'CORSAllowOrigin *: any page origin',
      page: 'other', path: '/b/any/items', init: {},
      expect: ok(200, onlyExposed),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'any-include', what: "CORSAllowOrigin *: credentials: 'include' is refused (wildcard)",
      path: '/b/any/items', init: { credentials: 'include' },
      expect: refused('WildcardOriginNotAllowed'),
      log: ['GET 200 actual-ok'],
    },

    // --- exposed response headers ------------------------------------------
    {
      id: 'expose-star', what: 'CORSExposeHeaders *: every response header readable',
      path: '/b/expose-star/items', init: {},
      expect: ok(200, both),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'expose-star-cred', what: "CORSExposeHeaders * with credentials: still every header (listed by name)",
      path: '/b/expose-star-cred/items', init: { credentials: 'include' },
      expect: ok(200, both, { body: { cookie: 'bt=1' } }),
      log: ['GET 200 actual-ok'],
    },

    // --- CORSRejectDisallowed ----------------------------------------------
    {
      id: 'reject-app', what: 'CORSRejectDisallowed: the allowed origin reaches the handler',
      path: '/b/reject/items', init: {},
      expect: ok(200, none, { body: { method: 'GET' } }),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'reject-other', what: 'CORSRejectDisallowed: a disallowed origin gets 403, the browser refuses',
      page: 'other', path: '/b/reject/items', init: {},
      expect: refused('MissingAllowOriginHeader'),
      log: ['GET 403 actual-denied'],
    },
    {
      id: 'reject-other-nocors', what: "CORSRejectDisallowed: mode 'no-cors' from a disallowed origin: opaque, but 403 on the server",
      page: 'other', path: '/b/reject/items', init: { mode: 'no-cors', method: 'POST', body: 'x' },
      expect: ok(0, { 'x-exposed': null, 'x-hidden': null, 'content-type': null }, { type: 'opaque' }),
      log: ['POST 403 actual-denied'],
    },

    // --- CORSCrossOriginProtection ------------------------------------------
    // The browser says where a request comes from (Sec-Fetch-Site); the
    // module refuses state-changing requests from elsewhere before api.pl
    // runs, unless they come from the app origin.  What a form or a
    // no-cors fetch got is not the page's to read: the server's log says.
    {
      id: 'xop-cross-form', what: 'another site submits a form POST: 403 on the server, api.pl never runs',
      page: 'cross', path: '/b/xop/items', form: { item: '42' },
      expect: navigated,
      log: ['POST 403 actual-denied'], reasons: ['cross-origin'],
    },
    {
      id: 'xop-cross-nocors', what: "another site: fetch POST with mode 'no-cors': opaque, 403 on the server",
      page: 'cross', path: '/b/xop/items', init: { mode: 'no-cors', method: 'POST', body: 'item=42' },
      expect: opaque,
      log: ['POST 403 actual-denied'], reasons: ['cross-origin'],
    },
    {
      id: 'xop-same-site-form', what: 'the same site, another origin (127.0.0.1 on another port): the form POST is refused too',
      page: 'other', path: '/b/xop/items', form: { item: '42' },
      expect: navigated,
      log: ['POST 403 actual-denied'], reasons: ['cross-origin'],
    },
    {
      id: 'xop-cross-get', what: 'another site: a no-cors GET (no Origin) is never refused: api.pl runs',
      page: 'cross', path: '/b/xop/items', init: { mode: 'no-cors' },
      expect: opaque,
      log: ['GET 200 none'], reasons: ['-'],
    },
    {
      id: 'xop-self-form', what: "a page of the API's own origin submits a form POST: it passes",
      page: 'self', path: '/b/xop/items', form: { item: '42' },
      expect: navigated,
      // Origin is the API's own, which the CORS list does not name: the
      // CORS verdict is logged as ever, and the request is served.
      log: ['POST 200 actual-denied'], reasons: ['origin'],
    },
    {
      id: 'xop-self-fetch', what: "a page of the API's own origin: fetch POST passes and reads the answer",
      page: 'self', path: '/b/xop/items', init: { method: 'POST', body: 'item=42' },
      expect: ok(200, { 'x-exposed': EXPOSED, 'x-hidden': HIDDEN, 'content-type': JSON_CT },
        { body: { method: 'POST', body: 'item=42' } }),
      log: ['POST 200 actual-denied'], reasons: ['origin'],
    },
    {
      id: 'xop-app-post', what: 'the allowed origin: a CORS fetch POST passes and is readable',
      path: '/b/xop/items', init: { method: 'POST', body: 'item=42', headers: { 'Content-Type': 'text/plain' } },
      expect: ok(200, none, { body: { method: 'POST', body: 'item=42' } }),
      log: ['POST 200 actual-ok'], reasons: ['-'],
    },
    {
      id: 'xop-app-put', what: 'the allowed origin: a preflighted PUT passes',
      path: '/b/xop/items/1', init: { method: 'PUT', body: '{}', headers: { 'Content-Type': 'application/json' } },
      expect: ok(200, none, { body: { method: 'PUT' } }),
      log: ['OPTIONS 204 preflight-ok', 'PUT 200 actual-ok'], reasons: ['-', '-'],
    },
    {
      id: 'xop-app-form', what: 'the allowed origin submits a form POST: it passes',
      path: '/b/xop/items', form: { item: '42' },
      expect: navigated,
      log: ['POST 200 actual-ok'], reasons: ['-'],
    },

    // --- CORSPreflightStatus, CORSPreflightPassthrough -----------------------
    {
      id: 'status-200', what: 'CORSPreflightStatus 200: the preflight is 200, the browser proceeds',
      path: '/b/status200/items', init: { method: 'PUT', body: 'x' },
      expect: ok(200, none, { body: { method: 'PUT' } }),
      log: ['OPTIONS 200 preflight-ok', 'PUT 200 actual-ok'],
    },
    {
      id: 'passthrough-ok', what: 'CORSPreflightPassthrough On: the handler answers, the module adds the headers',
      path: '/b/passthrough/items', init: { method: 'PUT', body: 'x' },
      expect: ok(200, none, { body: { method: 'PUT' } }),
      log: ['OPTIONS 200 preflight-ok', 'PUT 200 actual-ok'],
    },
    {
      id: 'passthrough-denied', what: 'CORSPreflightPassthrough On: a disallowed method gets the bare handler answer',
      path: '/b/passthrough/items', init: { method: 'DELETE' },
      expect: refused('PreflightMissingAllowOriginHeader'),
      log: ['OPTIONS 200 preflight-denied'],
    },

    // --- redirects ---------------------------------------------------------
    {
      id: 'redirect', what: 'a 302 inside the public tree is followed (both responses decorated)',
      path: '/b/public/old', query: 'to=' + encodeURIComponent('/b/public/new?c=redirect'), init: {},
      expect: ok(200, onlyExposed, { redirected: true }),
      log: ['GET 302 actual-ok', 'GET 200 actual-ok'],
    },
    {
      id: 'redirect-off', what: 'a 302 into a CORSEngine Off tree: the target is refused',
      path: '/b/public/old', query: 'to=' + encodeURIComponent('/b/off/new?c=redirect-off'), init: {},
      expect: refused('MissingAllowOriginHeader'),
      log: ['GET 302 actual-ok', 'GET 200 -'],
    },

    // --- the null origin (sandboxed iframe) ------------------------------------
    {
      id: 'null-listed', what: "origin null (sandboxed iframe): allowed where 'null' is listed",
      page: 'sandbox', path: '/b/null/items', init: {},
      expect: ok(200, none),
      log: ['GET 200 actual-ok'],
    },
    {
      id: 'null-unlisted', what: 'origin null (sandboxed iframe): refused where only the app origin is listed',
      page: 'sandbox', path: '/b/public/items', init: {},
      expect: refused('MissingAllowOriginHeader'),
      log: ['GET 200 actual-denied'],
    },
    {
      id: 'null-any', what: 'origin null (sandboxed iframe): allowed by CORSAllowOrigin *',
      page: 'sandbox', path: '/b/any/items', init: {},
      expect: ok(200, onlyExposed),
      log: ['GET 200 actual-ok'],
    },

    // --- preflight caching (CORSMaxAge) ----------------------------------------
    // Chromium caches a preflight for Access-Control-Max-Age seconds (capped
    // at 7200), for 5 s when there is none, not at all for 0, and never
    // consults its cache for cache: 'no-store'.  Count the OPTIONS the
    // server saw.
    {
      id: 'maxage-600', what: 'CORSMaxAge 600: one preflight for two PUTs more than 5 s apart',
      path: '/b/maxage/items',
      steps: [{ method: 'PUT', body: 'x' }, 'wait', { method: 'PUT', body: 'x' }],
      expect: ok(200, none),
      log: ['OPTIONS 204 preflight-ok', 'PUT 200 actual-ok', 'PUT 200 actual-ok'],
    },
    {
      id: 'maxage-none', what: 'no CORSMaxAge: Chromium keeps the preflight 5 s, then asks again',
      path: '/b/nomaxage/items',
      steps: [{ method: 'PUT', body: 'x' }, { method: 'PUT', body: 'x' }, 'wait', { method: 'PUT', body: 'x' }],
      expect: ok(200, none),
      log: ['OPTIONS 204 preflight-ok', 'PUT 200 actual-ok', 'PUT 200 actual-ok',
        'OPTIONS 204 preflight-ok', 'PUT 200 actual-ok'],
    },
    {
      id: 'maxage-0', what: 'CORSMaxAge 0: a preflight for every PUT',
      path: '/b/maxage0/items',
      steps: [{ method: 'PUT', body: 'x' }, { method: 'PUT', body: 'x' }],
      expect: ok(200, none),
      log: ['OPTIONS 204 preflight-ok', 'PUT 200 actual-ok', 'OPTIONS 204 preflight-ok', 'PUT 200 actual-ok'],
    },
    {
      id: 'maxage-no-store', what: "CORSMaxAge 600 but cache: 'no-store': Chromium skips its preflight cache",
      path: '/b/maxage/items',
      steps: [{ method: 'PUT', body: 'x', cache: 'no-store' }, { method: 'PUT', body: 'x', cache: 'no-store' }],
      expect: ok(200, none),
      log: ['OPTIONS 204 preflight-ok', 'PUT 200 actual-ok', 'OPTIONS 204 preflight-ok', 'PUT 200 actual-ok'],
    },
  ];

  const seen = new Set();
  for (const c of cases) {
    if (seen.has(c.id)) throw new Error(`duplicate case id ${c.id}`);
    seen.add(c.id);
    c.page = c.page || 'app';
    c.read = c.read || READ;
    c.steps = c.steps || [c.init || {}];
  }
  return cases;
}

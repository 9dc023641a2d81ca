// The browser script of the docs page, served as a file (no inline script): it fetches the OpenAPI 3.1 document of `/`
// (which always defines `bearerAuth`), points it at the server the page was reached through and starts Swagger UI.

/**
 * Plain ES2017 run in the browser. It reads its settings from the page's JSON block, sends the bearer token (once given
 * through Authorize) both with "Try it out" requests and when re-reading the document, so openapi-mode =
 * follow-privileges lists what the token's role may use, and adds Accept-Profile / Content-Profile for `?schema=`.
 */
export const DOCS_SCRIPT = String.raw`(function () {
  'use strict';
  var SCHEME = 'bearerAuth';
  var cfg = JSON.parse(document.getElementById('pgrst-docs-config').textContent);
  var errorBox = document.getElementById('pgrst-docs-error');
  var path = location.pathname.replace(/\/+$/, '');
  // The API root is the page's own path minus the docs path, so a proxy that adds a prefix is followed.
  var base = path.slice(-cfg.docsPath.length) === cfg.docsPath ? path.slice(0, path.length - cfg.docsPath.length) : '';
  var apiRoot = location.origin + base;
  var schema = new URLSearchParams(location.search).get('schema') || '';
  var token = storedToken();
  var ui = null;

  var picker = document.getElementById('pgrst-schema');
  if (picker) {
    picker.value = schema || cfg.schemas[0] || '';
    picker.addEventListener('change', function () {
      var q = new URLSearchParams(location.search);
      q.set('schema', picker.value);
      location.search = q.toString();
    });
  }

  function storedToken() {
    try {
      var saved = JSON.parse(localStorage.getItem('authorized') || '{}');
      return (saved[SCHEME] && saved[SCHEME].value) || null;
    } catch (e) {
      return null;
    }
  }

  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function profile(headers, method) {
    if (schema) headers[method === 'GET' || method === 'HEAD' ? 'Accept-Profile' : 'Content-Profile'] = schema;
    return headers;
  }

  // Swagger UI only sends a token for operations that require a scheme: make the bearer token optional everywhere.
  function prepare(spec) {
    var servers = [{ url: apiRoot, description: 'This server' }];
    (spec.servers || []).forEach(function (s) {
      if (s && s.url !== apiRoot) servers.push(s);
    });
    spec.servers = servers;
    spec.components = spec.components || {};
    spec.components.securitySchemes = spec.components.securitySchemes || {};
    if (!spec.components.securitySchemes[SCHEME]) {
      spec.components.securitySchemes[SCHEME] = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
    }
    if (!spec.security) spec.security = [{ [SCHEME]: [] }, {}];
    return spec;
  }

  function loadSpec() {
    var headers = profile({ Accept: 'application/vnd.oai.openapi+json;version=3.1' }, 'GET');
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(apiRoot + '/', { headers: headers }).then(function (res) {
      return res.text().then(function (text) {
        var body;
        try {
          body = JSON.parse(text);
        } catch (e) {
          throw new Error('GET / answered ' + res.status + ': ' + text.slice(0, 200));
        }
        if (!res.ok) throw new Error('GET / answered ' + res.status + ' ' + (body.code || '') + ': ' + (body.message || text));
        errorBox.hidden = true;
        return prepare(body);
      });
    });
  }

  function reload() {
    loadSpec().then(function (spec) {
      if (ui) ui.specActions.updateSpec(JSON.stringify(spec));
    }, function (err) {
      showError(err.message);
    });
  }

  // Re-read the document when the token changes: with follow-privileges, another role may see other tables.
  function authPlugin() {
    return {
      statePlugins: {
        auth: {
          wrapActions: {
            authorize: function (ori) {
              return function (payload) {
                var result = ori(payload);
                var entry = payload && payload[SCHEME];
                if (entry && entry.value && entry.value !== token) {
                  token = entry.value;
                  reload();
                }
                return result;
              };
            },
            logout: function (ori) {
              return function (payload) {
                var result = ori(payload);
                if (token && (!payload || payload.indexOf(SCHEME) >= 0)) {
                  token = null;
                  reload();
                }
                return result;
              };
            },
          },
        },
      },
    };
  }

  function start(spec) {
    ui = window.SwaggerUIBundle({
      spec: spec,
      dom_id: '#swagger-ui',
      deepLinking: true,
      persistAuthorization: true,
      displayRequestDuration: true,
      validatorUrl: null,
      presets: [window.SwaggerUIBundle.presets.apis],
      plugins: [authPlugin],
      requestInterceptor: function (req) {
        req.headers = profile(req.headers || {}, String(req.method || 'GET').toUpperCase());
        return req;
      },
    });
    window.pgrstDocsUi = ui;
  }

  // Without a document (say, no anonymous role), still offer Authorize: the document is read again with the token.
  loadSpec().then(start, function (err) {
    start(prepare({ openapi: '3.1.0', info: { title: 'API', version: '' }, paths: {} }));
    showError(err.message + '\nAuthorize with a token to read the API description as its role.');
  });
})();
`;

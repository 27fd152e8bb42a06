// The njs module the data plane imports (NGINX Gateway Fabric: modules/njs/src/httpmatches.js).
// The lab writes its own module with the same contract: `matches.json` holds, per `$match_key`,
// the location's match list in precedence order; the first entry the request satisfies wins and
// nginx redirects internally to its location (query kept); no entry satisfied gives 404, a missing
// or empty list 500. Header names are case-insensitive (r.headersIn), each comma-separated value
// is compared case-sensitively; query names are case-sensitive and a repeated name uses its first
// value. The evaluator (evaluate.ts) follows the same rules over the same list.

export const HTTPMATCHES_JS =
  `// netlab: header, query and method matches of HTTPRoute rules (NGINX Gateway Fabric's contract)
import qs from 'querystring';

function split3(spec, sep) {
    var a = spec.indexOf(sep);
    var b = spec.indexOf(sep, a + 1);
    return [spec.slice(0, a), spec.slice(a + 1, b), spec.slice(b + 1)];
}

function headerOk(r, spec) {
    var p = split3(spec, ':');
    var got = r.headersIn[p[0]];
    if (!got) {
        return false;
    }
    var values = got.split(',');
    if (p[1] === 'Exact') {
        return values.indexOf(p[2]) >= 0;
    }
    var re = new RegExp(p[2]);
    for (var i = 0; i < values.length; i++) {
        if (re.test(values[i])) {
            return true;
        }
    }
    return false;
}

function paramOk(r, spec) {
    var p = split3(spec, '=');
    var got = r.args[p[0]];
    if (!got) {
        return false;
    }
    if (Array.isArray(got)) {
        got = got[0];
    }
    return p[1] === 'Exact' ? got === p[2] : new RegExp(p[2]).test(got);
}

function satisfies(r, m) {
    if (m.any) {
        return true;
    }
    if (m.method && r.method !== m.method) {
        return false;
    }
    // Preloaded objects (js_preload_object) are plain read-only data: index loops, no Array methods.
    var headers = m.headers || [];
    for (var i = 0; i < headers.length; i++) {
        if (!headerOk(r, headers[i])) {
            return false;
        }
    }
    var params = m.params || [];
    for (var j = 0; j < params.length; j++) {
        if (!paramOk(r, params[j])) {
            return false;
        }
    }
    return true;
}

function redirect(r) {
    var list = matches[r.variables.match_key];
    if (!list || !list.length) {
        r.return(500);
        return;
    }
    for (var i = 0; i < list.length; i++) {
        if (satisfies(r, list[i])) {
            var args = qs.stringify(r.args);
            r.internalRedirect(list[i].redirectPath + (args ? '?' + args : ''));
            return;
        }
    }
    r.return(404);
}

export default { redirect };
`;

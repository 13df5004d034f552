// The browser layer's driver: Chromium, headless, runs every case of
// cases.mjs as a real fetch() from a real page origin, and each case is
// checked three ways: the browser's verdict (resolved or TypeError, status,
// readable headers, body), Chromium's own CORS reason over DevTools, and
// what the API logged (%{CORS_RESULT}e).
//
// Started by t/browser/run, which starts Apache and sets:
//   BT_CHROMIUM  the browser binary       BT_APP    the allowed page origin
//   BT_WORKDIR   a fresh directory        BT_OTHER  the disallowed page origin
//   BT_API_LOG   the API's access log     BT_API    the API origin
//   BT_CROSS     another site's page origin (cross.test)
//   BT_ONLY      optional: a regex, run only the matching case ids

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Browser, env } from './cdp.mjs';
import { buildCases } from './cases.mjs';

const CHROMIUM = env('BT_CHROMIUM');
const WORKDIR = env('BT_WORKDIR');
const API_LOG = env('BT_API_LOG');
const APP = env('BT_APP');
const OTHER = env('BT_OTHER');
const API = env('BT_API');
const CROSS = env('BT_CROSS');
const ONLY = process.env.BT_ONLY ? new RegExp(process.env.BT_ONLY) : null;

// Runs in the page (or in the sandboxed iframe): one fetch, and what a
// script can see of its outcome.
async function probe(a) {
  const out = {};
  try {
    const r = await fetch(a.url, a.init);
    out.verdict = 'resolved';
    out.status = r.status;
    out.type = r.type;
    out.redirected = r.redirected;
    out.headers = {};
    for (const n of a.read) out.headers[n] = r.headers.get(n);
    const text = await r.text();
    try {
      out.body = JSON.parse(text);
    } catch {
      out.body = text.slice(0, 200);
    }
  } catch (e) {
    out.verdict = e.name;
    out.message = e.message;
  }
  return out;
}

// Runs in a page: a form POST (a navigation, not a fetch) into an iframe
// of the page, as a page of any site can send one.  What the frame got is
// not the page's to read; the server's log says what happened.
function formPost(a) {
  return new Promise((resolve) => {
    const name = `bt-form-${Math.random().toString(36).slice(2)}`;
    const frame = document.createElement('iframe');
    frame.name = name;
    document.body.appendChild(frame);
    const form = document.createElement('form');
    form.method = 'POST';
    form.action = a.url;
    form.target = name;
    for (const [k, v] of Object.entries(a.fields)) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = k;
      input.value = v;
      form.appendChild(input);
    }
    document.body.appendChild(form);
    const timer = setTimeout(() => resolve({ verdict: 'timeout' }), 10000);
    frame.addEventListener('load', () => { clearTimeout(timer); resolve({ verdict: 'navigated' }); },
      { once: true });
    form.submit();
  });
}

// Runs in the app page: an <iframe sandbox=allow-scripts>, whose origin is
// opaque (its fetches send Origin: null), that runs the probe when the
// parent posts it the arguments and posts back the result.  Opening and
// running are two steps so that DevTools is attached to the frame (it may
// get a process of its own) before its fetch starts.
function sandboxOpen(tag, probeSrc) {
  return new Promise((resolve) => {
    const f = document.createElement('iframe');
    f.setAttribute('sandbox', 'allow-scripts');
    f.id = tag;
    f.addEventListener('load', () => resolve(true), { once: true });
    f.srcdoc = '<script>window.addEventListener("message", function (ev) {' +
      ' (' + probeSrc + ')(ev.data).then(function (r) {' +
      ' parent.postMessage({ tag: ' + JSON.stringify(tag) + ', result: r }, "*"); }); });<' + '/script>';
    document.body.appendChild(f);
  });
}

function sandboxRun(tag, a) {
  return new Promise((resolve) => {
    window.addEventListener('message', function onMsg(ev) {
      if (!ev.data || ev.data.tag !== tag) return;
      window.removeEventListener('message', onMsg);
      // The frame stays: removing it would detach its DevTools session
      // before Chromium reports why its fetch failed.
      resolve(ev.data.result);
    });
    document.getElementById(tag).contentWindow.postMessage(a, '*');
  });
}

function caseUrl(c) {
  return `${API}${c.path}?c=${encodeURIComponent(c.id)}${c.query ? '&' + c.query : ''}`;
}

let sandboxes = 0;

async function runStep(pages, c, init) {
  const a = { url: caseUrl(c), init, read: c.read };
  if (c.form) {
    return pages[c.page].evaluate(`(${formPost})(${JSON.stringify({ url: a.url, fields: c.form })})`);
  }
  if (c.page === 'sandbox') {
    const tag = `bt-sandbox-${++sandboxes}`;
    await pages.app.evaluate(`(${sandboxOpen})(${JSON.stringify(tag)}, ${JSON.stringify(probe.toString())})`);
    await pages.app.childrenReady();
    return pages.app.evaluate(`(${sandboxRun})(${JSON.stringify(tag)}, ${JSON.stringify(a)})`);
  }
  return pages[c.page].evaluate(`(${probe})(${JSON.stringify(a)})`);
}

// The API's access log, grouped by case: { what: "METHOD STATUS
// CORS_RESULT", reason: CORS_REASON }, in the order the requests began
// (Apache writes a line when a request ends, and a redirect's target can
// end before the redirect's own line is out).
function readLog() {
  const byCase = new Map();
  let text = '';
  try {
    text = readFileSync(API_LOG, 'utf8');
  } catch {
    return byCase;
  }
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\S+) (\d+) (\S+) (\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const q = m[6].indexOf('?');
    const id = q < 0 ? null : new URLSearchParams(m[6].slice(q + 1)).get('c');
    if (!id) continue;
    if (!byCase.has(id)) byCase.set(id, []);
    byCase.get(id).push({ begin: Number(m[1]), what: `${m[2]} ${m[3]} ${m[4]}`, reason: m[5] });
  }
  for (const [id, lines] of byCase) {
    byCase.set(id, lines.sort((a, b) => a.begin - b.begin));
  }
  return byCase;
}

// Chromium's reasons for the failed loads of a case, from DevTools.
function chromiumReasons(pages, c) {
  const page = c.page === 'sandbox' ? pages.app : pages[c.page];
  const mine = (url) => {
    try {
      return new URL(url).searchParams.get('c') === c.id;
    } catch {
      return false;
    }
  };
  return page.failures(mine).map((r) => {
    const s = r.corsErrorStatus;
    if (s) return s.corsError + (s.failedParameter ? ` (${s.failedParameter})` : '');
    return r.blockedReason || r.errorText;
  });
}

function sameJSON(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

// Every problem with one fetch's outcome, as text.
function checkOutcome(exp, got, reasons) {
  const bad = [];
  if (got.verdict !== exp.verdict) {
    bad.push(`verdict: expected ${exp.verdict}, got ${got.verdict}` +
      (got.verdict === 'resolved' ? ` ${got.status}` : ` (${got.message})`));
    return bad;
  }
  if (exp.verdict === 'resolved') {
    if (got.status !== exp.status) bad.push(`status: expected ${exp.status}, got ${got.status}`);
    for (const [n, v] of Object.entries(exp.headers)) {
      if (got.headers[n] !== v) {
        bad.push(`header ${n}: expected ${v === null ? 'unreadable' : JSON.stringify(v)}, ` +
          `got ${got.headers[n] === null ? 'unreadable' : JSON.stringify(got.headers[n])}`);
      }
    }
    if (exp.type !== undefined && got.type !== exp.type) {
      bad.push(`response type: expected ${exp.type}, got ${got.type}`);
    }
    if (exp.redirected !== undefined && got.redirected !== exp.redirected) {
      bad.push(`redirected: expected ${exp.redirected}, got ${got.redirected}`);
    }
    for (const [k, v] of Object.entries(exp.body || {})) {
      const g = got.body && typeof got.body === 'object' ? got.body[k] : undefined;
      if (g !== v) bad.push(`body.${k}: expected ${JSON.stringify(v)}, got ${JSON.stringify(g)}`);
    }
  } else if (exp.cors && !reasons.some((r) => r.split(' ')[0] === exp.cors)) {
    bad.push(`Chromium's reason: expected ${exp.cors}`);
  }
  return bad;
}

async function main() {
  const t0 = Date.now();
  const cases = buildCases().filter((c) => !ONLY || ONLY.test(c.id));
  const browser = Browser.launch({
    executable: CHROMIUM,
    userDataDir: join(WORKDIR, 'chromium-profile'),
    logFile: join(WORKDIR, 'chromium.log'),
    pidFile: join(WORKDIR, 'chromium.pid'),
  });
  const results = [];
  try {
    const version = await browser.send('Browser.getVersion');
    console.log(`# ${version.product}; page origins ${APP} (allowed), ${OTHER} (never allowed), `
      + `${CROSS} (another site); API ${API}`);
    const pages = {
      app: await browser.newPage(),
      other: await browser.newPage(),
      cross: await browser.newPage(),
      self: await browser.newPage(),
    };
    await pages.app.goto(`${APP}/index.html`);
    await pages.other.goto(`${OTHER}/index.html`);
    await pages.cross.goto(`${CROSS}/index.html`);
    await pages.self.goto(`${API}/index.html`);
    // A cookie for the page's site (127.0.0.1, any port): it reaches the
    // API only with credentials: 'include'.
    await pages.app.evaluate(`document.cookie = 'bt=1; path=/'; document.cookie`);

    const outcomes = new Map();
    const record = (c, got) => {
      if (!outcomes.has(c.id)) outcomes.set(c.id, []);
      outcomes.get(c.id).push(got);
    };
    const runUntilWait = async (c, from) => {
      let i = from;
      for (; i < c.steps.length && c.steps[i] !== 'wait'; i++) {
        record(c, await runStep(pages, c, c.steps[i]));
      }
      return i;
    };

    // Single-request cases first, then the first part of every cache case,
    // one wait longer than Chromium's 5 s default, and the rest.
    const resume = new Map();
    for (const c of cases.filter((c) => !c.steps.includes('wait'))) await runUntilWait(c, 0);
    const waiting = cases.filter((c) => c.steps.includes('wait'));
    for (const c of waiting) resume.set(c.id, await runUntilWait(c, 0));
    if (waiting.length) {
      await sleep(5500);
      for (const c of waiting) await runUntilWait(c, resume.get(c.id) + 1);
    }

    // Apache writes the access log line after the response: give the last
    // lines a moment.
    let log = readLog();
    for (let i = 0; i < 20; i++) {
      if (cases.every((c) => (log.get(c.id) || []).length >= c.log.length)) break;
      await sleep(100);
      log = readLog();
    }

    // Chromium's loadingFailed events can trail the fetch's rejection.
    for (let i = 0; i < 20; i++) {
      const missing = cases.some((c) => outcomes.get(c.id).some((o) => o.verdict !== 'resolved')
        && chromiumReasons(pages, c).length === 0);
      if (!missing) break;
      await sleep(100);
    }

    for (const c of cases) {
      const reasons = chromiumReasons(pages, c);
      const bad = [];
      for (const got of outcomes.get(c.id)) bad.push(...checkOutcome(c.expect, got, reasons));
      const seen = (log.get(c.id) || []).map((l) => l.what);
      if (!sameJSON(seen, c.log)) {
        bad.push(`server log: expected [${c.log.join(', ')}], got [${seen.join(', ')}]`);
      }
      const why = (log.get(c.id) || []).map((l) => l.reason);
      if (c.reasons && !sameJSON(why, c.reasons)) {
        bad.push(`CORS_REASON: expected [${c.reasons.join(', ')}], got [${why.join(', ')}]`);
      }
      results.push({ c, bad, reasons, got: outcomes.get(c.id) });
    }
  } finally {
    await browser.close();
  }

  let passed = 0;
  let failed = 0;
  results.forEach(({ c, bad, reasons, got }, i) => {
    const exp = c.expect.verdict === 'resolved' ? `resolved ${c.expect.status}`
      : c.expect.verdict === 'navigated' ? 'navigated (a form POST)'
        : `TypeError (${c.expect.cors})`;
    if (bad.length === 0) {
      passed++;
      console.log(`ok ${i + 1} - ${c.id}: ${c.what} [${exp}]`);
      return;
    }
    failed++;
    console.log(`not ok ${i + 1} - ${c.id}: ${c.what}`);
    console.log(`#   request:  ${c.page} page, ` + (c.form
      ? `form POST to ${caseUrl(c)} with ${JSON.stringify(c.form)}`
      : `fetch(${caseUrl(c)}, ${JSON.stringify(c.steps)})`));
    console.log(`#   expected: ${exp}`);
    const last = got[got.length - 1];
    console.log(`#   browser:  ${last.verdict}${last.verdict === 'resolved' ? ' ' + last.status : ''}`);
    console.log(`#   Chromium's reason: ${reasons.length ? reasons.join('; ') : '(none: no CORS failure)'}`);
    for (const b of bad) console.log(`#   ${b}`);
  });
  console.log(`1..${results.length}`);
  console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`browser: ${passed} passed, ${failed} failed`);
  return failed === 0 && results.length > 0;
}

main().then(
  (good) => process.exit(good ? 0 : 1),
  (e) => {
    console.error(`t/browser: ${e.stack || e}`);
    process.exit(2);
  },
);

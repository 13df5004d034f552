// The browser layer, second part: the explain page (SetHandler
// cors-explain, docs/mod_cors.md "The explain page") and mod_status' CORS
// section (docs/mod_cors.md "Counters"), as a person sees them in Chromium:
// the form is filled in and submitted, and what the page then shows is
// checked.  With BT_SHOTS set to a directory, screenshots of both go there
// (docs/explain-page.png, docs/status-section.png are made this way).
//
// Started by t/browser/run after cors.mjs, with the same environment.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, env } from './cdp.mjs';

const CHROMIUM = env('BT_CHROMIUM');
const WORKDIR = env('BT_WORKDIR');
const APP = env('BT_APP');
const OTHER = env('BT_OTHER');
const API = env('BT_API');
const SHOTS = process.env.BT_SHOTS || '';

let n = 0;
let failed = 0;
function check(ok, what, detail) {
  n++;
  if (ok) {
    console.log(`ok ${n} - explain: ${what}`);
    return;
  }
  failed++;
  console.log(`not ok ${n} - explain: ${what}`);
  if (detail !== undefined) console.log(`#   got: ${JSON.stringify(detail)}`);
}

// The next load of the page, to be awaited after a click that navigates.
function nextLoad(browser, page) {
  return new Promise((resolve) => {
    const fn = (msg) => {
      if (msg.sessionId === page.sessionId && msg.method === 'Page.loadEventFired') {
        browser.listeners.delete(fn);
        resolve();
      }
    };
    browser.on(fn);
  });
}

// Fill the form as a person would (typing into the fields) and submit it.
async function submit(browser, page, fields) {
  await page.evaluate(`(() => {
    const f = ${JSON.stringify(fields)};
    for (const [k, v] of Object.entries(f)) {
      const el = document.getElementById('f-' + k);
      el.focus();
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
    return true;
  })()`);
  const loaded = nextLoad(browser, page);
  await page.evaluate(`(document.getElementById('f-submit').click(), true)`);
  await loaded;
}

// What the page shows: each verdict, its reason, its headers, the settings.
function shown() {
  const text = (sel) => {
    const el = document.querySelector(sel);
    return el ? el.textContent.trim() : null;
  };
  const table = (sel) => {
    const out = {};
    for (const tr of document.querySelectorAll(sel + ' tr')) {
      const th = tr.querySelector('th');
      const td = tr.querySelector('td');
      if (th && td) out[th.textContent] = td.textContent;
    }
    return out;
  };
  const decisive = document.querySelector('tr.decisive td');
  const visible = (sel) => {
    const el = document.querySelector(sel);
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  return {
    search: location.search,
    preflight: text('#preflight .verdict'),
    actual: text('#actual .verdict'),
    preflightClass: document.querySelector('#preflight')?.className,
    preflightReason: text('#preflight .reason'),
    preflightStatus: text('#preflight .status'),
    preflightHeaders: table('#preflight table.headers'),
    actualHeaders: table('#actual table.headers'),
    decisive: decisive ? decisive.textContent : null,
    verdictVisible: visible('#preflight .verdict') && visible('#actual .verdict'),
    background: document.querySelector('#preflight')
      ? getComputedStyle(document.querySelector('#preflight')).backgroundColor : null,
    form: {
      url: document.getElementById('f-url').value,
      origin: document.getElementById('f-origin').value,
      method: document.getElementById('f-method').value,
    },
    images: document.images.length,
    scripts: document.scripts.length,
    pwned: window.__pwned === 1,
  };
}

async function screenshot(page, file, selector) {
  const clip = await page.evaluate(`(() => {
    const el = ${selector ? `document.querySelector(${JSON.stringify(selector)})` : 'null'};
    const top = el ? el.getBoundingClientRect().top + window.scrollY : 0;
    return { x: 0, y: Math.max(0, top - 8), width: document.documentElement.scrollWidth,
             height: document.documentElement.scrollHeight - Math.max(0, top - 8), scale: 1 };
  })()`);
  const { data } = await page.send('Page.captureScreenshot',
    { format: 'png', clip, captureBeyondViewport: true });
  writeFileSync(file, Buffer.from(data, 'base64'));
  console.log(`# screenshot: ${file}`);
}

async function main() {
  const browser = Browser.launch({
    executable: CHROMIUM,
    userDataDir: join(WORKDIR, 'chromium-profile-explain'),
    logFile: join(WORKDIR, 'chromium-explain.log'),
    pidFile: join(WORKDIR, 'chromium.pid'),
  });
  try {
    const page = await browser.newPage();
    await page.send('Emulation.setDeviceMetricsOverride',
      { width: 1000, height: 800, deviceScaleFactor: 1, mobile: false });

    // Traffic for the counters: a ReportOnly request and a refused one.
    const app = await browser.newPage();
    await app.goto(`${APP}/index.html`);
    await app.evaluate(`fetch('${API}/b/report/x?c=explain-report').then(() => 1, () => 0)`);
    await app.evaluate(`fetch('${API}/b/public/x?c=explain-put', { method: 'PUT' }).then(() => 1, () => 0)`);

    // 1. An allowed request: the admin tree, with credentials.
    await page.goto(`${API}/cors-explain`);
    let s = await page.evaluate(`(${shown})()`);
    check(s.preflight === null && s.form.url === '', 'the bare page is the form', s);
    await submit(browser, page, { url: '/b/admin/items', origin: APP, method: 'PUT', headers: 'X-Allowed' });
    s = await page.evaluate(`(${shown})()`);
    check(s.search.includes('url=%2Fb%2Fadmin%2Fitems'), 'the form submits its fields', s.search);
    check(s.preflight === 'allowed', 'admin PUT: the preflight is allowed', s.preflight);
    check(s.actual === 'allowed', 'admin PUT: the actual request is allowed', s.actual);
    check(s.verdictVisible, 'both verdicts are on screen');
    check(s.preflightStatus === '204', 'the preflight status', s.preflightStatus);
    check(s.preflightHeaders['Access-Control-Allow-Origin'] === APP
      && s.preflightHeaders['Access-Control-Allow-Credentials'] === 'true'
      && s.preflightHeaders['Access-Control-Allow-Headers'] === 'x-allowed',
      'the preflight headers', s.preflightHeaders);
    check(s.actualHeaders['Access-Control-Expose-Headers'] === 'x-exposed',
      'the actual request\'s expose list', s.actualHeaders);
    check(s.form.url === '/b/admin/items' && s.form.origin === APP && s.form.method === 'PUT',
      'the form keeps what was asked', s.form);
    check(s.decisive === 'CORSAllowOrigin', 'the decisive setting is marked', s.decisive);
    if (SHOTS) await screenshot(page, join(SHOTS, 'explain-page.png'));

    // 2. A refused one: the other page origin.
    await submit(browser, page, { url: '/b/public/items', origin: OTHER, method: 'PUT' });
    s = await page.evaluate(`(${shown})()`);
    check(s.preflight === 'refused', 'other origin: refused', s.preflight);
    check(s.preflightReason === 'origin', 'its reason', s.preflightReason);
    check(s.preflightStatus === '403', 'its status', s.preflightStatus);
    check(s.preflightClass === 'case refused' && s.background !== 'rgba(0, 0, 0, 0)',
      'shown as refused, in colour', [s.preflightClass, s.background]);
    check(!('Access-Control-Allow-Origin' in s.preflightHeaders), 'no allow-origin', s.preflightHeaders);

    // 3. Markup in a field is shown as text, never run.
    await submit(browser, page, { url: '/b/public/items', origin: '<img src=x onerror="window.__pwned=1">' });
    s = await page.evaluate(`(${shown})()`);
    check(!s.pwned && s.images === 0, 'markup in the origin is never run', s);
    check(s.form.origin === '<img src=x onerror="window.__pwned=1">', 'and is shown as typed', s.form.origin);
    check(s.actual === 'refused', 'a malformed origin: refused', s.actual);

    // 4. A URL that is not a local path: a 400 with its reason.
    await submit(browser, page, { url: 'http://evil.example/', origin: APP });
    const err = await page.evaluate(`document.getElementById('error')?.textContent`);
    check(/url must be a local path/.test(err || ''), 'a full URL is refused with its reason', err);

    // 5. mod_status' CORS section.
    await page.goto(`${API}/server-status`);
    const st = await page.evaluate(`(() => {
      const h = document.getElementById('cors');
      const rows = [...document.querySelectorAll('table.cors tr')].map((tr) =>
        [...tr.children].map((c) => c.textContent));
      return { heading: h ? h.textContent : null, rows };
    })()`);
    check(st.heading === 'CORS (mod_cors)', 'the status page has the CORS section', st.heading);
    const total = st.rows.find((r) => r[0] === 'Server total') || [];
    check(Number(total[1]) > 0 && Number(total[3]) > 0,
      'its server total counts the preflights and requests the browser made', total);
    check(Number(total[6]) + Number(total[7]) > 0, 'and the ReportOnly request\'s shadow verdict', total);
    if (SHOTS) await screenshot(page, join(SHOTS, 'status-section.png'), '#cors');
  } finally {
    await browser.close();
  }
  console.log(`explain: ${n - failed} passed, ${failed} failed`);
  return failed === 0;
}

main().then(
  (good) => process.exit(good ? 0 : 1),
  (e) => {
    console.error(`t/browser/explain.mjs: ${e.stack || e}`);
    process.exit(2);
  },
);

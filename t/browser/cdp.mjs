// A minimal Chrome DevTools Protocol client over --remote-debugging-pipe:
// Chromium reads commands on fd 3 and writes answers and events on fd 4,
// one JSON message per NUL-terminated frame.  No WebSocket, no npm package,
// no browser download: Debian's /usr/bin/chromium and Node's own modules.

import { spawn } from 'node:child_process';
import { createWriteStream, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

// The flags that work headless on these machines (no sandbox as root, no
// GPU, no background traffic to anywhere but loopback).
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-extensions',
  '--disable-default-apps',
  '--mute-audio',
  '--remote-debugging-pipe',
  // A host name of another site than 127.0.0.1 (Fetch Metadata's
  // cross-site), on loopback.
  '--host-resolver-rules=MAP cross.test 127.0.0.1',
];

// A setting t/browser/run passes in the environment; missing is an error.
export const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is not set (run t/browser/run)`);
  return v;
};

export class Browser {
  constructor(proc) {
    this.proc = proc;
    this.out = proc.stdio[3];
    this.in = proc.stdio[4];
    this.nextId = 0;
    this.pending = new Map();
    this.listeners = new Set();
    this.closed = false;
    let buf = Buffer.alloc(0);
    this.in.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      let nul;
      while ((nul = buf.indexOf(0)) >= 0) {
        const msg = JSON.parse(buf.subarray(0, nul).toString('utf8'));
        buf = buf.subarray(nul + 1);
        this.dispatch(msg);
      }
    });
    proc.on('exit', (code, signal) => {
      this.closed = true;
      for (const { reject } of this.pending.values()) {
        reject(new Error(`chromium exited (${signal || code})`));
      }
      this.pending.clear();
    });
  }

  // pidFile: where the browser's pid goes, so that the caller can end it
  // if this process is killed before it could.
  static launch({ executable, userDataDir, logFile, pidFile }) {
    // HOME and the XDG directories too point into the test's own
    // directory: Chromium writes nothing anywhere else.
    const home = dirname(userDataDir);
    const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home };
    const proc = spawn(executable, [...FLAGS, `--user-data-dir=${userDataDir}`, 'about:blank'], {
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      env,
    });
    if (pidFile && proc.pid) writeFileSync(pidFile, `${proc.pid}\n`);
    // Chromium is chatty on stderr (D-Bus, ...): keep it for a failure.
    const log = createWriteStream(logFile);
    proc.stdout.pipe(log);
    proc.stderr.pipe(log);
    return new Browser(proc);
  }

  dispatch(msg) {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(`${p.method}: ${msg.error.message}`));
      else p.resolve(msg.result);
      return;
    }
    if (process.env.BT_DEBUG) console.error('cdp:', JSON.stringify(msg).slice(0, 400));
    for (const fn of this.listeners) fn(msg);
  }

  send(method, params = {}, sessionId = undefined, timeoutMs = 15000) {
    if (this.closed) return Promise.reject(new Error('chromium is gone'));
    const id = ++this.nextId;
    const frame = JSON.stringify({ id, method, params, sessionId });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from chromium in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.out.write(frame + '\0');
    });
  }

  on(fn) {
    this.listeners.add(fn);
  }

  // A new tab, attached with a flat session, Network and Runtime enabled.
  async newPage() {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    const page = new Page(this, sessionId);
    await page.send('Page.enable');
    await page.send('Network.enable');
    await page.send('Runtime.enable');
    // Out-of-process frames (a sandboxed iframe may get its own process)
    // have their own sessions: attach to them so their network events
    // reach this page too.
    await page.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
    return page;
  }

  async close() {
    if (this.closed) return;
    try {
      await this.send('Browser.close', {}, undefined, 5000);
    } catch {
      // fall through to the signal
    }
    await new Promise((resolve) => {
      if (this.closed) return resolve();
      const t = setTimeout(() => { this.proc.kill('SIGKILL'); }, 5000);
      this.proc.on('exit', () => { clearTimeout(t); resolve(); });
    });
  }
}

export class Page {
  constructor(browser, sessionId) {
    this.browser = browser;
    this.sessionId = sessionId;
    // requestId -> { url, type, corsErrorStatus, blockedReason, errorText }
    this.requests = new Map();
    this.sessions = new Set([sessionId]);
    this.attaching = [];
    browser.on((msg) => {
      if (!this.sessions.has(msg.sessionId)) return;
      const p = msg.params || {};
      if (msg.method === 'Target.attachedToTarget') {
        const child = p.sessionId;
        // Kept after the frame detaches: its last events may come later.
        this.sessions.add(child);
        const quiet = () => {};
        this.attaching.push(browser.send('Network.enable', {}, child).catch(quiet)
          .then(() => browser.send('Target.setAutoAttach',
            { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, child))
          .catch(quiet)
          .then(() => browser.send('Runtime.runIfWaitingForDebugger', {}, child))
          .catch(quiet));
      } else if (msg.method === 'Network.requestWillBeSent') {
        const r = this.requests.get(p.requestId) || {};
        r.url = p.request.url;
        r.method = p.request.method;
        r.type = p.type;
        this.requests.set(p.requestId, r);
      } else if (msg.method === 'Network.loadingFailed') {
        const r = this.requests.get(p.requestId) || {};
        r.errorText = p.errorText;
        r.blockedReason = p.blockedReason;
        r.corsErrorStatus = p.corsErrorStatus;
        this.requests.set(p.requestId, r);
      }
    });
  }

  send(method, params = {}, timeoutMs = 15000) {
    return this.browser.send(method, params, this.sessionId, timeoutMs);
  }

  // Resolves once every child frame seen so far has Network enabled.
  async childrenReady() {
    await Promise.all(this.attaching);
  }

  async goto(url) {
    const loaded = new Promise((resolve) => {
      const fn = (msg) => {
        if (msg.sessionId === this.sessionId && msg.method === 'Page.loadEventFired') {
          this.browser.listeners.delete(fn);
          resolve();
        }
      };
      this.browser.on(fn);
    });
    const r = await this.send('Page.navigate', { url });
    if (r.errorText) throw new Error(`navigating to ${url}: ${r.errorText}`);
    await loaded;
  }

  // Evaluate an expression in the page and await the promise it returns.
  async evaluate(expression, timeoutMs = 15000) {
    const r = await this.send(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      timeoutMs,
    );
    if (r.exceptionDetails) {
      const d = r.exceptionDetails;
      throw new Error(`in the page: ${(d.exception && d.exception.description) || d.text}`);
    }
    return r.result.value;
  }

  // What Chromium said about the failed loads whose URL satisfies pred.
  failures(pred) {
    const out = [];
    for (const r of this.requests.values()) {
      if (r.url && pred(r.url) && (r.corsErrorStatus || r.errorText)) out.push(r);
    }
    return out;
  }
}

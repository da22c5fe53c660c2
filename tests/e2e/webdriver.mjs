import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A minimal W3C WebDriver client over fetch: just what the end-to-end tests need to drive the real
// app through tauri-driver (which forwards to WebKitWebDriver).

// The W3C key of an element reference; older drivers answer with 'ELEMENT'.
const ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';
const elementId = (ref) => ref[ELEMENT_KEY] ?? ref.ELEMENT;

export class WebDriver {
  constructor(base, sessionId) {
    this.base = base;
    this.sessionId = sessionId;
  }

  static async start(base, capabilities) {
    const body = await request(`${base}/session`, 'POST', { capabilities: { alwaysMatch: capabilities } });
    return new WebDriver(base, body.value.sessionId);
  }

  async cmd(method, path, payload) {
    const body = await request(`${this.base}/session/${this.sessionId}${path}`, method, payload);
    return body.value;
  }

  async quit() {
    await request(`${this.base}/session/${this.sessionId}`, 'DELETE').catch(() => {});
  }

  /** Waits until an element with this data-testid exists, and returns its id. */
  async find(testId, { timeout = 20000 } = {}) {
    const deadline = Date.now() + timeout;
    let lastError;
    while (Date.now() < deadline) {
      try {
        const found = await this.cmd('POST', '/element', { using: 'css selector', value: `[data-testid="${testId}"]` });
        return elementId(found);
      } catch (error) {
        lastError = error;
        await sleep(200);
      }
    }
    throw new Error(`no element [data-testid="${testId}"] after ${timeout} ms: ${lastError?.message}; ${await this.onScreen()}; ${await this.keepScreen(testId)}`);
  }

  /** What the screen shows (its alerts first), for a failure's message: a failed wait says why. */
  async onScreen() {
    const script = `const alerts = [...document.querySelectorAll('[role="alert"]')].map((a) => a.innerText).join(' | ');
      return ((alerts ? 'alerts: ' + alerts + '; ' : '') + 'screen: ' + document.body.innerText).replace(/\\s+/g, ' ').slice(0, 600);`;
    return this.cmd('POST', '/execute/sync', { script, args: [] }).catch((error) => `the screen could not be read: ${error.message}`);
  }

  /** The screen as a failed wait left it, kept in the temporary folder (not among the artifacts). */
  async keepScreen(testId) {
    try {
      const path = join(tmpdir(), `clinic-e2e-failure-${testId}-${Date.now()}.png`);
      writeFileSync(path, await this.screenshot());
      return `screen kept in ${path}`;
    } catch (error) {
      return `the screen could not be kept: ${error.message}`;
    }
  }

  /** Every element `testId` on the page; asked again when the page changed while WebDriver looked. */
  async findAll(testId) {
    for (let i = 0; ; i += 1) {
      try {
        const found = await this.cmd('POST', '/elements', { using: 'css selector', value: `[data-testid="${testId}"]` });
        return found.map(elementId);
      } catch (error) {
        if (i >= 4 || !/stale element/.test(error.message)) throw error;
        await sleep(100);
      }
    }
  }

  /** The text of every element `testId` on the page, in order. */
  async texts(testId) {
    return this.cmd('POST', '/execute/sync', {
      script: `return [...document.querySelectorAll('[data-testid="' + arguments[0] + '"]')].map((e) => e.textContent);`,
      args: [testId],
    });
  }

  async type(testId, text) {
    const id = await this.find(testId);
    await this.cmd('POST', `/element/${id}/clear`, {});
    await this.cmd('POST', `/element/${id}/value`, { text });
  }

  /**
   * Replaces what a controlled field holds the way a user does, with End and Backspace then typing:
   * WebDriver's clear does not reach React's state.
   */
  async retype(testId, text) {
    const id = await this.find(testId);
    const length = String(await this.value(testId)).length;
    await this.cmd('POST', `/element/${id}/value`, { text: `\uE010${'\uE003'.repeat(length)}${text}` });
  }

  /** Presses Enter in a field, submitting its form the way a keyboard user does. */
  async pressEnter(testId) {
    const id = await this.find(testId);
    await this.cmd('POST', `/element/${id}/value`, { text: '\uE007' });
  }

  /** Presses a key on whatever has focus (e.g. '\uE00C', Escape, to close a dialog). */
  async pressKey(key) {
    await this.cmd('POST', '/actions', {
      actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value: key }, { type: 'keyUp', value: key }] }],
    });
  }

  /** Waits until no element with this data-testid is left. */
  async waitGone(testId, { timeout = 20000 } = {}) {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      if ((await this.findAll(testId)).length === 0) return;
      await sleep(200);
    }
    throw new Error(`[data-testid="${testId}"] is still there after ${timeout} ms; ${await this.onScreen()}; ${await this.keepScreen(testId)}`);
  }

  /**
   * Clicks the element. While an overlay fades out (a dialog closing) or the list re-renders, the click
   * is tried again; an element the app's fixed header covers is first scrolled to the middle of the view
   * (WebDriver scrolls it only as far as the window's edge).
   */
  async click(testId, { timeout = 5000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      const id = await this.find(testId);
      try {
        await this.cmd('POST', `/element/${id}/click`, {});
        return;
      } catch (error) {
        if (Date.now() > deadline || !/intercepted|not interactable|stale/.test(error.message)) throw error;
        if (/intercepted/.test(error.message)) {
          await this.cmd('POST', '/execute/sync', {
            script: "arguments[0].scrollIntoView({ block: 'center' });",
            args: [{ [ELEMENT_KEY]: id }],
          }).catch(() => {});
        }
        await sleep(200);
      }
    }
  }

  /** The element's textContent (WebDriver's "visible text" misreads line-clamped elements). */
  async text(testId) {
    await this.find(testId);
    return this.cmd('POST', '/execute/sync', {
      script: 'return document.querySelector(arguments[0]).textContent;',
      args: [`[data-testid="${testId}"]`],
    });
  }

  /** The current value of an input. */
  async value(testId) {
    await this.find(testId);
    return this.cmd('POST', '/execute/sync', {
      script: 'return document.querySelector(arguments[0]).value;',
      args: [`[data-testid="${testId}"]`],
    });
  }

  /** Waits until the element's text satisfies the predicate; returns the text. */
  async waitForText(testId, predicate, { timeout = 20000 } = {}) {
    const deadline = Date.now() + timeout;
    let text = '';
    while (Date.now() < deadline) {
      try {
        text = await this.text(testId);
        if (predicate(text)) return text;
      } catch {
        // not there yet
      }
      await sleep(200);
    }
    throw new Error(`[data-testid="${testId}"] never matched; last text: ${JSON.stringify(text)}`);
  }

  /** Waits until the element's attribute `name` reads `value` (e.g. a grid no longer `aria-busy`). */
  async waitForAttribute(testId, name, value, { timeout = 20000 } = {}) {
    const deadline = Date.now() + timeout;
    let seen = null;
    while (Date.now() < deadline) {
      seen = await this.cmd('POST', '/execute/sync', {
        script: 'const e = document.querySelector(arguments[0]); return e && e.getAttribute(arguments[1]);',
        args: [`[data-testid="${testId}"]`, name],
      });
      if (seen === value) return;
      await sleep(200);
    }
    throw new Error(`[data-testid="${testId}"] ${name} never read ${JSON.stringify(value)}; last: ${JSON.stringify(seen)}`);
  }

  /** A PNG screenshot of the window, as a Buffer, taken after the page has painted its latest state. */
  async screenshot() {
    await this.cmd('POST', '/execute/async', {
      script: 'const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));',
      args: [],
    });
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }
}

async function request(url, method, payload) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = body?.value?.error ?? response.status;
    throw new Error(`${method} ${url}: ${error}: ${body?.value?.message ?? ''}`);
  }
  return body;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

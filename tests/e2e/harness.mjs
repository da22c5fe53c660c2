// What every end-to-end test file shares: tauri-driver started once per file, the app launched on a
// data directory, the `clinic` CLI, screenshots, signing in.

import { after, before } from 'node:test';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WebDriver, sleep } from './webdriver.mjs';

export const root = resolve(import.meta.dirname, '../..');
const app = process.env.CLINIC_APP_BINARY ?? join(root, 'target/debug/clinic-app');
const cliBinary = process.env.CLINIC_CLI_BINARY ?? join(root, 'target/debug/clinic');
export const artifacts = join(root, 'tests/e2e/artifacts');
const serverBinary = process.env.CLINIC_SERVER_BINARY ?? join(root, 'target/debug/clinic-server');
/** The port of the first driver; each driver takes its port and the next (WebKitWebDriver's). */
export const FIRST_DRIVER = 4444;
const driverUrl = (port) => `http://127.0.0.1:${port}`;

/**
 * Starts tauri-driver before the file's tests and kills it (with WebKitWebDriver and the app) after.
 * A file driving two app instances at once starts two, on two ports.
 */
export function useDriver({ port = FIRST_DRIVER } = {}) {
  let driver;
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    // Its own process group, so that the driver, WebKitWebDriver and any app they started can be killed
    // together; unref'd, so that a driver slow to die never keeps the test runner alive.
    const args = ['--port', String(port), '--native-port', String(port + 1)];
    driver = spawn(process.env.TAURI_DRIVER ?? 'tauri-driver', args, {
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    driver.unref();
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`${driverUrl(port)}/status`);
        return;
      } catch {
        await sleep(100);
      }
    }
    throw new Error('tauri-driver did not start');
  });
  after(() => {
    try {
      process.kill(-driver.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
}

// What read-only-app.sh starts; set before tauri-driver starts, so that the app it launches inherits it.
process.env.CLINIC_APP_UNDER_TEST = app;

/**
 * Starts the app on `dataDir` and returns a WebDriver session on its window; with `readOnly`, the
 * folder is mounted read-only for the app (tests/e2e/read-only-app.sh); `port` names the driver.
 */
export async function launch(dataDir, args = [], { readOnly = false, port = FIRST_DRIVER } = {}) {
  const application = readOnly ? join(root, 'tests/e2e/read-only-app.sh') : app;
  return WebDriver.start(driverUrl(port), {
    'tauri:options': { application, args: ['--data-dir', dataDir, ...args] },
  });
}

/**
 * The real clinic server on a free port of 127.0.0.1, on a new data directory: `init`, then `serve`.
 * Resolves to { url, fingerprint, pair(), stop(), running() } once it listens; `pair()` runs `clinic-server pair`.
 */
export async function startServer(dataDir, { again = null } = {}) {
  const env = { ...process.env, CLINIC_SERVER_PASSPHRASE: 'e2e server passphrase', RUST_LOG: 'warn' };
  if (again === null) {
    execFileSync(serverBinary, ['--data-dir', dataDir, 'init'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  // Started again (`again`: the server it replaces), it listens where that one did: devices know it there.
  const listen = again === null ? '127.0.0.1:0' : new URL(again.url).host;
  // Its request log goes to the rotating file in its data directory.
  const child = spawn(serverBinary, ['--data-dir', dataDir, 'serve', '--listen', listen], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // The first JSON object on its standard output says where it listens.
  const said = await new Promise((resolvePromise, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk.toString();
      try {
        resolvePromise(JSON.parse(text));
      } catch {
        // not the whole object yet
      }
    });
    child.on('exit', (code) => reject(new Error(`clinic-server stopped (${code})`)));
  });
  return {
    url: `https://${said.listening}`,
    fingerprint: said.fingerprint,
    pair: () =>
      JSON.parse(
        execFileSync(serverBinary, ['--data-dir', dataDir, 'pair'], { env, stdio: ['ignore', 'pipe', 'inherit'] }).toString(),
      ),
    stop: () => child.kill('SIGKILL'),
    running: () => child.exitCode === null && child.signalCode === null,
  };
}

/** Runs the `clinic` command; returns its standard output. */
export function cli(args, env = {}) {
  return execFileSync(cliBinary, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  }).toString();
}

export async function shot(wd, name) {
  writeFileSync(join(artifacts, `${name}.png`), await wd.screenshot());
}

export async function signIn(wd, username, password) {
  await wd.type('login-username', username);
  await wd.type('login-password', password);
  await wd.pressEnter('login-password');
}

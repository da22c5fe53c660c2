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
const driverUrl = 'http://127.0.0.1:4444';

/** Starts tauri-driver before the file's tests and kills it (with WebKitWebDriver and the app) after. */
export function useDriver() {
  let driver;
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    // Its own process group, so that the driver, WebKitWebDriver and any app they started can be killed
    // together; unref'd, so that a driver slow to die never keeps the test runner alive.
    driver = spawn(process.env.TAURI_DRIVER ?? 'tauri-driver', ['--port', '4444'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    driver.unref();
    for (let i = 0; i < 100; i++) {
      try {
        await fetch(`${driverUrl}/status`);
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
 * folder is mounted read-only for the app (tests/e2e/read-only-app.sh).
 */
export async function launch(dataDir, args = [], { readOnly = false } = {}) {
  const application = readOnly ? join(root, 'tests/e2e/read-only-app.sh') : app;
  return WebDriver.start(driverUrl, { 'tauri:options': { application, args: ['--data-dir', dataDir, ...args] } });
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

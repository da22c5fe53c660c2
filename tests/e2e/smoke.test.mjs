// End-to-end smoke test of the real app: the release-like binary, under Xvfb, driven through
// tauri-driver + WebKitWebDriver, with a real Secret Service keyring (run by scripts/test-e2e.sh).
//
// 1. First run on an empty data directory: set up the clinic, sign in, see the empty shell.
// 2. The `clinic` CLI fills that clinic with the demo; the restarted app shows the demo's data.
// 3. Demo mode: the app creates the demo clinic itself and shows its sign-in hint.
// 4. Roles: a receptionist has no Administration; an administrator sees the users; a user whose
//    password an administrator set must change it before anything else.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { WebDriver, sleep } from './webdriver.mjs';

const root = resolve(import.meta.dirname, '../..');
const app = process.env.CLINIC_APP_BINARY ?? join(root, 'target/debug/clinic-app');
const cli = process.env.CLINIC_CLI_BINARY ?? join(root, 'target/debug/clinic');
const artifacts = join(root, 'tests/e2e/artifacts');
const driverUrl = 'http://127.0.0.1:4444';
const adminPassword = 'front desk 2026!';

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

/** Starts the app on `dataDir` and returns a WebDriver session on its window. */
async function launch(dataDir, args = []) {
  return WebDriver.start(driverUrl, { 'tauri:options': { application: app, args: ['--data-dir', dataDir, ...args] } });
}

async function shot(wd, name) {
  writeFileSync(join(artifacts, `${name}.png`), await wd.screenshot());
}

async function signIn(wd, username, password) {
  await wd.type('login-username', username);
  await wd.type('login-password', password);
  await wd.pressEnter('login-password');
}

const dataDir = mkdtempSync(join(tmpdir(), 'clinic-e2e-'));

test('first run: set up the clinic, sign in, see the shell', async () => {
  const wd = await launch(dataDir);
  try {
    await wd.find('setup-clinic-name', { timeout: 60000 });
    await shot(wd, '01-setup');
    await wd.type('setup-clinic-name', 'Harbour Family Practice');
    await wd.type('setup-admin-name', 'Grace Admin');
    await wd.type('setup-admin-username', 'grace');
    // A password the Rust rules refuse: the message appears next to the field, nothing is created.
    await wd.type('setup-password', 'short');
    await wd.type('setup-password-confirm', 'short');
    await wd.pressEnter('setup-password-confirm');
    await wd.waitForText('setup-form', (t) => t.includes('at least 10 characters'));
    await shot(wd, '02-setup-error');
    await wd.type('setup-password', adminPassword);
    await wd.type('setup-password-confirm', adminPassword);
    await wd.pressEnter('setup-password-confirm');

    await wd.find('login-username', { timeout: 30000 });
    await shot(wd, '03-sign-in');
    await signIn(wd, 'grace', 'wrong password!');
    await wd.find('login-error');
    await signIn(wd, 'grace', adminPassword);
    const clinicName = await wd.waitForText('shell-clinic-name', (t) => t.includes('Harbour'));
    assert.match(clinicName, /Harbour Family Practice/);
    assert.match(await wd.text('shell-user-name'), /Grace Admin/);
    assert.equal(await wd.waitForText('stat-patients', (t) => t.trim() !== ''), '0');
    await shot(wd, '04-empty-shell');
  } finally {
    await wd.quit();
  }
});

test('the shell shows the demo data the CLI added to that clinic', async () => {
  execFileSync(cli, ['--data-dir', dataDir, 'demo', '--seed', '11', '--user', 'grace'], {
    env: { ...process.env, CLINIC_PASSWORD: adminPassword },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const wd = await launch(dataDir);
  try {
    await signIn(wd, 'grace', adminPassword);
    assert.equal(await wd.waitForText('stat-patients', (t) => t.trim() === '200'), '200');
    assert.equal(await wd.text('stat-providers'), '3');
    const rows = await wd.findAll('appointment-row');
    const today = Number(await wd.text('stat-appointments-today'));
    assert.ok(rows.length >= today, `today's table lists ${rows.length} rows for ${today} appointments`);
    await shot(wd, '05-today-with-demo-data');

    await wd.click('nav-patients');
    await wd.waitForText('patients-total', (t) => /200/.test(t));
    await wd.type('patients-search', 'Núñez');
    await wd.waitForText('patients-table', (t) => t.includes('José'));
    await shot(wd, '06-patients');

    await wd.click('nav-schedule');
    await wd.find('schedule-provider-group');
    await shot(wd, '07-schedule');
    await wd.click('sign-out');
    await wd.find('login-username');
  } finally {
    await wd.quit();
  }
});

const demoDir = mkdtempSync(join(tmpdir(), 'clinic-e2e-demo-'));

test('demo mode creates the demo clinic and shows how to sign in', async () => {
  const wd = await launch(demoDir, ['--demo']);
  try {
    const hint = await wd.waitForText('demo-credentials', (t) => t.includes('admin'), { timeout: 90000 });
    assert.match(hint, /demo-clinic-2026/);
    await shot(wd, '08-demo-sign-in');
    await signIn(wd, 'admin', 'demo-clinic-2026');
    assert.equal(await wd.waitForText('stat-patients', (t) => t.trim() === '200'), '200');
    await shot(wd, '09-demo-today');
  } finally {
    await wd.quit();
  }
});

test('roles: what a receptionist and an administrator see, and a forced password change', async () => {
  execFileSync(cli, ['--data-dir', demoDir, 'users', 'add', 'joy', '--name', 'Joy Nurse', '--role', 'nurse'], {
    env: { ...process.env, CLINIC_USER: 'admin', CLINIC_PASSWORD: 'demo-clinic-2026', CLINIC_NEW_PASSWORD: 'first day password' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const wd = await launch(demoDir, ['--demo']);
  try {
    await signIn(wd, 'frontdesk', 'demo-clinic-2026');
    await wd.waitForText('shell-user-name', (t) => t.includes('Lena'));
    await wd.find('nav-patients');
    assert.equal((await wd.findAll('nav-admin')).length, 0, 'a receptionist has no Administration');
    await shot(wd, '10-receptionist');
    await wd.click('sign-out');

    await signIn(wd, 'admin', 'demo-clinic-2026');
    await wd.click('nav-admin');
    await wd.waitForText('users-table', (t) => t.includes('Joy Nurse'));
    assert.equal((await wd.findAll('user-row')).length, 8);
    await shot(wd, '11-users');
    await wd.click('sign-out');

    await signIn(wd, 'joy', 'first day password');
    await wd.find('change-current-password');
    await shot(wd, '12-must-change-password');
    await wd.type('change-current-password', 'first day password');
    await wd.type('change-new-password', 'password123');
    await wd.type('change-confirm-password', 'password123');
    await wd.pressEnter('change-confirm-password');
    await wd.waitForText('change-password-form', (t) => t.includes('too common'));
    await wd.type('change-new-password', 'joy chose this one');
    await wd.type('change-confirm-password', 'joy chose this one');
    await wd.pressEnter('change-confirm-password');
    await wd.waitForText('shell-user-name', (t) => t.includes('Joy'));
    assert.equal((await wd.findAll('nav-admin')).length, 0);
    await shot(wd, '13-nurse-after-change');
  } finally {
    await wd.quit();
  }
});

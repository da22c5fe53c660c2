// End-to-end smoke test of the real app: the release-like binary, under Xvfb, driven through
// tauri-driver + WebKitWebDriver, with a real Secret Service keyring (run by scripts/test-e2e.sh).
//
// 1. First run on an empty data directory: set up the clinic, keep the recovery key (its sheet saved as a
//    PDF), see the empty shell; sign out and in again.
// 2. The `clinic` CLI fills that clinic with the demo; the restarted app shows the demo's data.
// 3. Demo mode: the app creates the demo clinic itself and shows its sign-in hint.
// 4. Roles: a receptionist has no Administration; an administrator sees the users; a user whose
//    password an administrator set must change it before anything else.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, launch, shot, signIn, useDriver } from './harness.mjs';

const adminPassword = 'front desk 2026!';

useDriver();

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

    // The administrator is signed in and first keeps the recovery key.
    const key = await wd.waitForText('recovery-key', (t) => t.split('-').length === 9, { timeout: 30000 });
    const sheet = join(dataDir, '..', `recovery-sheet-${Date.now()}.pdf`);
    await wd.type('recovery-sheet-path', sheet);
    await wd.click('recovery-sheet-save');
    await wd.waitForText('recovery-sheet-saved', (t) => t.includes(sheet));
    assert.ok(readFileSync(sheet).subarray(0, 4).equals(Buffer.from('%PDF')), 'the sheet is a PDF');
    await shot(wd, '03-recovery-key');
    await wd.click('recovery-key-confirm');
    await wd.click('recovery-key-done');
    await wd.find('shell-clinic-name');
    assert.ok(key.replaceAll(' ', '').length === 44);
    await wd.click('sign-out');

    await wd.find('login-username', { timeout: 30000 });
    await shot(wd, '03b-sign-in');
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
  cli(['--data-dir', dataDir, 'demo', '--seed', '11', '--user', 'grace'], { CLINIC_PASSWORD: adminPassword });
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
    await wd.type('patients-search', 'nun jos');
    await wd.waitForText('patients-table', (t) => t.includes('José'));
    await shot(wd, '06-patients');

    // Register a patient; registering them again shows the likely duplicate first.
    for (const attempt of ['new', 'again']) {
      await wd.click('patient-register-open');
      await wd.type('patient-first-name', 'Ana');
      await wd.type('patient-last-name', 'Prueba');
      await wd.type('patient-date-of-birth', '1990-05-01');
      await wd.pressKey('\uE004');
      await wd.type('patient-phone', '(555) 201-0199');
      await wd.pressEnter('patient-phone');
      if (attempt === 'new') {
        await wd.waitForText('patient-header-mrn', (t) => /^A-\d{6}$/.test(t.trim()));
        await shot(wd, '06b-patient-registered');
        await wd.pressKey('\uE00C');
        await wd.waitGone('patient-record');
      } else {
        await wd.waitForText('duplicate-matches', (t) => t.includes('Prueba, Ana'));
        await shot(wd, '06c-duplicate');
        await wd.click('duplicate-open');
        await wd.find('patient-record');
        await wd.pressKey('\uE00C');
        await wd.waitGone('patient-record');
      }
    }
    await wd.type('patients-search', 'prueba 5552010');
    await wd.waitForText('patients-total', (t) => /^1 patient/.test(t.trim()));

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
  cli(['--data-dir', demoDir, 'users', 'add', 'joy', '--name', 'Joy Nurse', '--role', 'nurse'], {
    CLINIC_USER: 'admin',
    CLINIC_PASSWORD: 'demo-clinic-2026',
    CLINIC_NEW_PASSWORD: 'first day password',
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

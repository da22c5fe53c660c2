// End to end: the security layer in the real app (run by scripts/test-e2e.sh, after smoke.test.mjs).
//
// 5. The screen locks on request: the same user finds their unsaved input; another user taking over
//    starts from a fresh screen. It also locks by itself after the clinic's idle minutes.
// 6. Backups: a folder is set, a backup made, checked and restored; the audit log shows who did it.
// 7. A clinic whose key is gone from the keyring opens again with the recovery key from its sheet.
// 8. Roles: a doctor opens a visit note; a receptionist has no Visits, and Rust refuses the note even
//    when asked for it directly, as a modified client would.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './webdriver.mjs';
import { launch, root, shot, signIn, useDriver } from './harness.mjs';

const password = 'demo-clinic-2026';

useDriver();

const demoDir = mkdtempSync(join(tmpdir(), 'clinic-e2e-security-'));

async function lockNow(wd) {
  await wd.click('user-menu');
  await wd.click('lock-now');
  await wd.find('lock-screen');
}

test('the lock screen keeps the same user’s unsaved input, and not another user’s', async () => {
  const wd = await launch(demoDir, ['--demo']);
  try {
    await wd.find('login-username', { timeout: 90000 });
    await signIn(wd, 'admin', password);
    await wd.click('nav-patients');
    await wd.type('patients-search', 'Half-typed');

    await lockNow(wd);
    assert.match(await wd.text('lock-screen'), /Clinic Administrator is signed in/);
    await shot(wd, '14-locked');
    await wd.type('lock-password', 'not the password');
    await wd.pressEnter('lock-password');
    await wd.find('lock-error');
    await wd.type('lock-password', password);
    await wd.pressEnter('lock-password');
    // Unlocked: the search still holds what was typed.
    await wd.waitGone('lock-screen');
    assert.equal(await wd.value('patients-search'), 'Half-typed');
    await shot(wd, '15-unlocked-input-kept');

    await lockNow(wd);
    await wd.click('lock-switch-user');
    await wd.type('lock-username', 'frontdesk');
    await wd.type('lock-password', password);
    await wd.pressEnter('lock-password');
    await wd.waitForText('shell-user-name', (t) => t.includes('Lena'));
    assert.equal((await wd.findAll('patients-search')).length, 0, 'a fresh screen, on Today');
    assert.equal((await wd.findAll('nav-admin')).length, 0);
    await shot(wd, '16-other-user-fresh-screen');
  } finally {
    await wd.quit();
  }
});

test('the screen locks by itself after the idle minutes', async () => {
  const wd = await launch(demoDir, ['--demo']);
  try {
    await signIn(wd, 'admin', password);
    await wd.click('nav-admin');
    await wd.click('admin-tab-security');
    // Once the clinic's current rules have loaded into the form:
    for (let i = 0; i < 50 && (await wd.value('security-idle-minutes')) !== '5'; i++) await sleep(200);
    await wd.retype('security-idle-minutes', '1');
    assert.equal(await wd.value('security-idle-minutes'), '1');
    await wd.click('security-save');
    await shot(wd, '17a-idle-minutes-set');
    // Nobody touches anything for a minute.
    await sleep(62000);
    await wd.find('lock-screen', { timeout: 15000 });
    await shot(wd, '17-idle-locked');
    await wd.type('lock-password', password);
    await wd.pressEnter('lock-password');
    await wd.waitGone('lock-screen');
    await wd.click('admin-tab-security');
    await wd.retype('security-idle-minutes', '5');
    await wd.click('security-save');
  } finally {
    await wd.quit();
  }
});

test('a backup is made, checked and restored, and the audit log shows it', async () => {
  const usb = mkdtempSync(join(tmpdir(), 'clinic-e2e-usb-'));
  const wd = await launch(demoDir, ['--demo']);
  try {
    await signIn(wd, 'admin', password);
    await wd.click('nav-admin');
    await wd.click('admin-tab-backups');
    await wd.type('backup-folder', usb);
    await wd.click('backup-settings-save');
    await wd.waitForText('backup-status', (t) => t.includes('Next backup due'));
    await wd.click('backup-now');
    await wd.waitForText('backup-status', (t) => t.includes('Last backup'), { timeout: 60000 });
    const [file] = readdirSync(usb).filter((f) => f.endsWith('.clinicbackup'));
    assert.ok(file, 'the backup file is in the folder');
    await shot(wd, '18-backup-made');

    await wd.type('restore-file', join(usb, file));
    await wd.click('restore-check');
    await wd.waitForText('restore-preview', (t) => t.includes('Riverside Family Clinic'), { timeout: 60000 });
    assert.match(await wd.text('restore-counts'), /Patients200/);
    await shot(wd, '19-backup-preview');
    await wd.click('restore-open');
    await wd.click('restore-confirm');
    await wd.find('login-username', { timeout: 60000 });
    await shot(wd, '20-restored-sign-in');

    await signIn(wd, 'admin', password);
    await wd.click('nav-admin');
    await wd.click('admin-tab-audit');
    await wd.waitForText('audit-table', (t) => t.includes('Restored from a backup'));
    await shot(wd, '21-audit-log');
  } finally {
    await wd.quit();
  }
});

test('a clinic whose key is gone from the keyring opens with its recovery key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'clinic-e2e-recover-'));
  const init = spawnSync(
    process.env.CLINIC_CLI_BINARY ?? join(root, 'target/debug/clinic'),
    ['--data-dir', dir, 'init', '--clinic-name', 'Northside Physio', '--admin-user', 'ines', '--time-zone', 'UTC'],
    { env: { ...process.env, CLINIC_ADMIN_PASSWORD: 'ines chose this one' } },
  );
  assert.equal(init.status, 0, init.stderr.toString());
  const recoveryKey = /Recovery key \(shown only now\): (\S+)/.exec(init.stderr.toString())[1];
  // The keyring loses the entry (as after a new OS user or a reinstall): store.json now points at an
  // account the keyring does not have.
  const metaPath = join(dir, 'store.json');
  const meta = JSON.parse(readFileSync(metaPath, 'utf8'));
  meta.key.account = 'database-key/lost-with-the-old-keyring';
  writeFileSync(metaPath, JSON.stringify(meta));

  const wd = await launch(dir);
  try {
    await wd.find('recover-key', { timeout: 30000 });
    await shot(wd, '22-recover');
    await wd.type('recover-key', recoveryKey.toLowerCase().replaceAll('-', ' '));
    await wd.pressEnter('recover-key');
    await wd.find('login-username', { timeout: 30000 });
    await signIn(wd, 'ines', 'ines chose this one');
    await wd.waitForText('shell-clinic-name', (t) => t.includes('Northside Physio'));
    await shot(wd, '23-recovered');
  } finally {
    await wd.quit();
  }
});

test('a doctor opens a visit note; a receptionist cannot, even by calling the command directly', async () => {
  const wd = await launch(demoDir, ['--demo']);
  try {
    await signIn(wd, 'dr.okafor', password);
    await wd.click('nav-visits');
    await wd.find('visit-row');
    const visitId = await wd.cmd('POST', '/execute/sync', {
      script: 'return document.querySelector(\'[data-testid="visit-row"]\').dataset.visitId;',
      args: [],
    });
    await wd.click('visit-open');
    await wd.waitForText('visit-detail', (t) => t.length > 0);
    await wd.find('visit-note');
    await shot(wd, '24-doctor-visit-note');
    await wd.pressKey('\uE00C');
    await wd.waitGone('visit-detail');
    await wd.click('sign-out');

    await signIn(wd, 'frontdesk', password);
    await wd.waitForText('shell-user-name', (t) => t.includes('Lena'));
    assert.equal((await wd.findAll('nav-visits')).length, 0, 'a receptionist has no Visits');
    const answer = await wd.cmd('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
        window.__TAURI_INTERNALS__.invoke('open_visit', { args: { encounterId: arguments[0] } })
          .then((visit) => done({ opened: visit }), (error) => done({ refused: error }));`,
      args: [visitId],
    });
    assert.equal(answer.opened, undefined, 'the note was returned to a receptionist');
    assert.equal(answer.refused.code, 'forbidden');
    await shot(wd, '25-receptionist-no-visits');
  } finally {
    await wd.quit();
  }
});

// End to end: a clinic whose data folder is read-only (here a read-only bind mount, tests/e2e/read-only-app.sh)
// opens for reading only. Staff sign in and read the day; every screen says why nothing can be saved, and a
// check-in is refused with that reason while the appointment stays as it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, launch, shot, signIn, useDriver } from './harness.mjs';
import { sleep } from './webdriver.mjs';

// Passphrase mode, for the CLI and for the app tauri-driver starts (it inherits this environment).
process.env.CLINIC_DB_PASSPHRASE = 'e2e read-only passphrase';

useDriver();

const dataDir = mkdtempSync(join(tmpdir(), 'clinic-e2e-read-only-'));

test('a read-only data folder: the clinic is read, and a check-in is refused with the reason', async () => {
  // The day played only to midnight: whatever the hour the test runs, today's patients are still to arrive.
  cli(['--data-dir', dataDir, 'demo', '--day-until', '00:00']);
  const wd = await launch(dataDir, [], { readOnly: true });
  try {
    await signIn(wd, 'frontdesk', 'demo-clinic-2026');
    await wd.waitForText('reading-only', (t) => t.includes('data folder is read-only'), { timeout: 30000 });
    const rows = await wd.findAll('appointment-row');
    assert.ok(rows.length > 0, 'the day is read');
    const before = await wd.text('appointment-row');
    await wd.click('check-in');
    // The refusal is a notification: read from the page's text.
    let page = '';
    for (let i = 0; i < 100 && !page.includes('Could not check the patient in'); i += 1) {
      await sleep(200);
      page = await wd.cmd('POST', '/execute/sync', { script: 'return document.body.innerText;', args: [] });
    }
    assert.ok(page.includes('Could not check the patient in'), page);
    assert.match(page, /The clinic's data folder is read-only, so nothing was saved\./);
    await shot(wd, '70-read-only-check-in-refused');
    assert.equal(await wd.text('appointment-row'), before, 'nothing changed');
  } catch (error) {
    await shot(wd, '7x-read-only-failed').catch(() => {});
    throw error;
  } finally {
    await wd.quit();
  }
});

// Patients end to end, on the demo clinic: the front desk imports a spreadsheet (a row with an impossible
// date is reported, and the file imports nothing until that row is left out; a probable duplicate of José
// Núñez is reported and imported only when asked); José's record shows his header (penicillin allergy)
// and he is booked from it; the duplicate is merged into his record; and an administrator undoes the
// merge the same day, then looks at the screens that set up the schedule, and imports 20,000 patients
// with the dialog showing how far it is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, launch, shot, signIn, useDriver } from './harness.mjs';
import { sleep } from './webdriver.mjs';

const password = 'demo-clinic-2026';

useDriver();

const demoDir = mkdtempSync(join(tmpdir(), 'clinic-e2e-patients-'));

/** Clicks the first element `testId` whose text includes `text`, waiting up to 10 s for it. */
async function clickWithText(wd, testId, text) {
  for (let i = 0; i < 50; i += 1) {
    const clicked = await wd.cmd('POST', '/execute/sync', {
      script: `const el = [...document.querySelectorAll('[data-testid="' + arguments[0] + '"]')]
          .find((e) => e.textContent.includes(arguments[1]));
        if (el) el.click();
        return Boolean(el);`,
      args: [testId, text],
    });
    if (clicked) return;
    await sleep(200);
  }
  assert.fail(`no ${testId} with "${text}"`);
}

/** The patient rows listed for a search. */
async function search(wd, text) {
  await wd.retype('patients-search', text);
  await sleep(600);
  return wd.findAll('patient-row');
}

test('import a spreadsheet, see the header, merge a duplicate, undo the merge', async () => {
  const wd = await launch(demoDir, ['--demo']);
  try {
    await wd.waitForText('demo-credentials', (t) => t.includes('admin'), { timeout: 90000 });

    // José as the demo registered him, read with the CLI as a script would.
    const found = cli(['--data-dir', demoDir, '--user', 'frontdesk', 'patients', 'search', 'núñez josé'], {
      CLINIC_PASSWORD: password,
    })
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const jose = found.find((p) => p.first_name === 'José');
    assert.ok(jose, `José Núñez is in the demo: ${JSON.stringify(found)}`);
    const file = join(demoDir, 'from-the-old-system.csv');
    writeFileSync(
      file,
      [
        'First name,Last name,Date of birth,Phone',
        `Jose,Nunez,${jose.date_of_birth},${jose.phone}`,
        'Marisol,Ferrer,1979-04-02,555-201-0199',
        'Bad,Date,1979-02-31,',
      ].join('\n'),
    );

    await signIn(wd, 'frontdesk', password);
    await wd.waitForText('shell-user-name', (t) => t.includes('Lena'));
    await wd.click('nav-patients');
    await wd.click('patients-import-open');
    await wd.type('import-path', file);
    await wd.click('import-check');
    await wd.waitForText('import-columns-summary', (t) => t.includes('3'));
    await shot(wd, '40-import-columns');
    await wd.click('import-next');
    await wd.waitForText('import-rejected', (t) => t.includes('Bad Date'));
    await wd.waitForText('import-duplicates', (t) => t.includes('Jose Nunez'));
    assert.equal(await wd.cmd('GET', `/element/${await wd.find('import-run')}/enabled`), false);
    await wd.click('import-skip-rejected');
    await wd.click('import-include-duplicates');
    await wd.waitForText('import-run', (t) => t.includes('2'));
    await shot(wd, '41-import-report');
    await wd.click('import-run');
    await wd.waitForText('import-done-count', (t) => t.includes('2'));
    await wd.click('import-close');
    await wd.waitGone('import-close');

    // Two records of José now; his own shows his header.
    assert.equal((await search(wd, 'nunez jose')).length, 2);
    await clickWithText(wd, 'patient-row', 'José');
    await wd.waitForText('patient-header-allergies', (t) => t.includes('Penicillin'));
    const mrn = (await wd.text('patient-header-mrn')).trim();
    await shot(wd, '42-patient-header');

    // Booked from his record: the next free times with any family doctor, then the booking dialog
    // with José already chosen.
    await wd.click('patient-book');
    await wd.find('find-slot-wants');
    const chose = await wd.cmd('POST', '/execute/sync', {
      script: `const select = document.querySelector('[data-testid="find-slot-wants"]');
        const option = [...select.options].find((o) => o.textContent.includes('Family medicine'));
        if (!option) return false;
        select.value = option.value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
        return true;`,
      args: [],
    });
    assert.ok(chose, 'a family medicine choice is offered');
    await wd.find('find-slot-option');
    await shot(wd, '42b-find-slot');
    await wd.click('find-slot-option');
    await wd.waitForText('booking-patient', () => true);
    assert.match(await wd.value('booking-patient'), /N[uú][nñ]ez/);
    await wd.click('booking-submit');
    await wd.waitGone('booking-submit');
    await wd.waitGone('find-slot-wants');

    // Merge the imported duplicate into it.
    await wd.click('patient-merge-open');
    await wd.type('merge-find', 'nunez jose');
    await wd.find('merge-find-option');
    await clickWithText(wd, 'merge-find-option', 'Nunez, Jose');
    await wd.waitForText('merge-preview', (t) => t.includes('Nunez'));
    await shot(wd, '43-merge-preview');
    await wd.click('merge-confirm');
    await wd.waitGone('merge-confirm');
    await wd.waitForText('patient-merges', (t) => t.includes('Jose Nunez'));
    assert.equal((await wd.text('patient-header-mrn')).trim(), mrn, 'the kept record stays open');
    await shot(wd, '44-merged');
    await wd.pressKey('\uE00C');
    await wd.waitGone('patient-record');
    assert.equal((await search(wd, 'nunez jose')).length, 1);
    await wd.click('sign-out');

    // The administrator undoes it the same day: two records again.
    await signIn(wd, 'admin', password);
    await wd.waitForText('shell-user-name', (t) => t.length > 0);
    await wd.click('nav-patients');
    await search(wd, 'nunez jose');
    await clickWithText(wd, 'patient-row', 'José');
    await clickWithText(wd, 'patient-merge-undo', '');
    await clickWithText(wd, 'patient-merge-undo-yes', '');
    await wd.find('patient-merge-undone');
    await shot(wd, '45-merge-undone');
    await wd.pressKey('\uE00C');
    await wd.waitGone('patient-record');
    assert.equal((await search(wd, 'nunez jose')).length, 2);

    // The screens that set up the schedule: providers with their hours and time off, the clinic's
    // scheduling settings, and the waitlist.
    await wd.click('nav-providers');
    await wd.find('provider-week');
    await shot(wd, '46-providers');
    await wd.click('nav-admin');
    await wd.click('admin-tab-scheduling');
    await wd.find('scheduling-slot');
    await shot(wd, '47-admin-scheduling');
    await wd.click('nav-schedule');
    await wd.find('schedule-provider-group');
    await shot(wd, '48-calendar');
    await wd.click('schedule-waitlist');
    await wd.find('waitlist-add');
    await shot(wd, '49-waitlist');

    // A clinic moving in from another system: 20,000 patients. The dialog shows the patients registered
    // as they go.
    const many = join(demoDir, 'moving-in.csv');
    const rows = ['First name,Last name,Date of birth'];
    for (let i = 0; i < 20000; i += 1) {
      const letters = [i / 676, (i / 26) % 26, i % 26].map((d) => String.fromCharCode(97 + Math.floor(d) % 26));
      const born = new Date(Date.UTC(1940, 0, 1) + i * 86400000).toISOString().slice(0, 10);
      rows.push(`Nueva${letters.join('')},Llegada,${born}`);
    }
    writeFileSync(many, rows.join('\n'));
    await wd.pressKey('\uE00C');
    await wd.waitGone('waitlist-add');
    await wd.click('nav-patients');
    await wd.click('patients-import-open');
    await wd.type('import-path', many);
    await wd.click('import-check');
    // The check's own progress can be over between two looks (the dialog's test shows it); the
    // registering below takes long enough to be seen every time.
    await wd.waitForText('import-columns-summary', (t) => t.includes('20,000'), { timeout: 120000 });
    await wd.click('import-next');
    await wd.waitForText('import-run', (t) => t.includes('20,000'));
    await wd.click('import-run');
    await wd.waitForText('import-progress', (t) => t.includes('Registered'), { timeout: 120000 });
    await shot(wd, '4a-import-registering');
    await wd.waitForText('import-done-count', (t) => t.includes('20,000'), { timeout: 300000 });
    await wd.click('import-close');
  } catch (error) {
    await shot(wd, '4x-patients-failed').catch(() => {});
    throw error;
  } finally {
    await wd.quit();
  }
});

// The front desk end to end, on the demo clinic: a receptionist registers a patient, books them from the
// calendar for tomorrow (which cannot be checked in today), books a longer visit into the last free cell
// before a provider's hours end (warned, then confirmed), and checks them in today as a walk-in; a doctor
// takes them from the waiting-room queue into a room, and the waiting-room display (its own window) shows
// only their first name and initial.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, shot, signIn, useDriver } from './harness.mjs';
import { sleep } from './webdriver.mjs';

const password = 'demo-clinic-2026';
const ARROW_DOWN = '\uE015';
const ENTER = '\uE007';
const ESCAPE = '\uE00C';

useDriver();

const demoDir = mkdtempSync(join(tmpdir(), 'clinic-e2e-front-desk-'));

/** Clicks the element `testId` inside the first `rowTestId` whose text includes `text`. */
async function clickInRow(wd, rowTestId, text, testId) {
  const clicked = await wd.cmd('POST', '/execute/sync', {
    script: `const row = [...document.querySelectorAll('[data-testid="' + arguments[0] + '"]')]
        .find((r) => r.textContent.includes(arguments[1]));
      const target = row && row.querySelector('[data-testid="' + arguments[2] + '"]');
      if (target) target.click();
      return Boolean(target);`,
    args: [rowTestId, text, testId],
  });
  assert.ok(clicked, `no ${testId} in a ${rowTestId} with "${text}"`);
}

test('register, book from the calendar, check in, take from the queue, show on the display', async () => {
  const wd = await launch(demoDir, ['--demo']);
  try {
    await wd.waitForText('demo-credentials', (t) => t.includes('admin'), { timeout: 90000 });
    await signIn(wd, 'frontdesk', password);
    await wd.waitForText('shell-user-name', (t) => t.includes('Lena'));

    await wd.click('nav-patients');
    await wd.click('patient-register-open');
    await wd.type('patient-first-name', 'Eva');
    await wd.type('patient-last-name', 'Queue');
    await wd.type('patient-date-of-birth', '1985-03-09');
    await wd.pressKey('\uE004');
    await wd.type('patient-phone', '(555) 201-0177');
    await wd.pressEnter('patient-phone');
    await wd.waitForText('patient-header-mrn', (t) => /^A-\d{6}$/.test(t.trim()));
    await wd.pressKey(ESCAPE);
    await wd.waitGone('patient-record');

    // Tomorrow always has sessions in the demo; its first free cell opens the booking dialog, which the
    // keyboard drives: search, Enter picks the match, Enter in the reason books.
    await wd.click('nav-schedule');
    await wd.find('schedule-provider-group');
    await shot(wd, '30-calendar-today');
    const today = await wd.text('schedule-day-label');
    await wd.click('schedule-next');
    await wd.waitForText('schedule-day-label', (t) => t !== today);
    await wd.waitForAttribute('schedule-grid', 'aria-busy', 'false');
    await wd.find('schedule-slot');
    await wd.click('schedule-slot');
    await wd.type('booking-patient', 'queue eva');
    await wd.find('booking-patient-option');
    await wd.pressEnter('booking-patient');
    await wd.waitForText('booking-when', (t) => t.length > 0);
    await shot(wd, '31-booking-dialog');
    await wd.click('booking-submit');
    await wd.waitGone('booking-submit');
    await wd.waitForText('schedule-grid', (t) => t.includes('Eva Queue'));
    await shot(wd, '32-booked');

    // Tomorrow's appointment is confirmed or moved from its dialog, never checked in today.
    const opened = await wd.cmd('POST', '/execute/sync', {
      script: `const block = [...document.querySelectorAll('[data-testid="appointment-block"]')]
          .find((b) => b.textContent.includes('Eva Queue'));
        if (block) block.click();
        return Boolean(block);`,
      args: [],
    });
    assert.ok(opened, 'Eva\'s appointment is in tomorrow\'s calendar');
    await wd.find('appointment-confirm');
    assert.deepEqual(await wd.findAll('appointment-check-in'), [], 'tomorrow\'s appointment offers check-in');
    await shot(wd, '36-tomorrow-not-checked-in');
    await wd.pressKey(ESCAPE);
    await wd.waitGone('appointment-confirm');

    // A free cell right before a provider's hours end (the end of the day or of a session before a break;
    // the grid may end with it): a 30-minute new-patient visit there runs past the end of hours, so the
    // dialog lists it as longer than the free time, and booking it asks first. The demo's bookings depend
    // on the hour it was made at, so a day whose sessions all end booked passes on to the next.
    let lastCell = null;
    for (let day = 0; day < 7 && !lastCell; day += 1) {
      if (day > 0) {
        const shown = await wd.text('schedule-day-label');
        await wd.click('schedule-next');
        await wd.waitForText('schedule-day-label', (t) => t !== shown);
        await wd.waitForAttribute('schedule-grid', 'aria-busy', 'false');
      }
      lastCell = await wd.cmd('POST', '/execute/sync', {
        script: `for (const group of document.querySelectorAll('[data-testid="schedule-provider-group"]')) {
            const cells = [...group.querySelectorAll('[data-time]')];
            const open = (c) => c && c.dataset.testid !== 'schedule-closed';
            const endsHours = cells.findIndex((c, i) => c.dataset.testid === 'schedule-slot' && !open(cells[i + 1]));
            if (endsHours >= 0) {
              cells[endsHours].scrollIntoView({ block: 'center' });
              cells[endsHours].click();
              return cells[endsHours].dataset.time;
            }
          }
          return null;`,
        args: [],
      });
    }
    assert.ok(lastCell, 'a free cell right before the end of a provider\'s hours within a week');
    await wd.type('booking-patient', 'queue eva');
    await wd.find('booking-patient-option');
    await wd.pressEnter('booking-patient');
    // The types longer than the free time sit in a group named after it (an optgroup's label is no text).
    let chose = false;
    for (let i = 0; i < 50 && !chose; i += 1) {
      chose = await wd.cmd('POST', '/execute/sync', {
        script: `const select = document.querySelector('[data-testid="booking-type"]');
        const group = select && select.querySelector('optgroup');
        if (!group || !group.label.startsWith('Longer than the free time')) return false;
        const option = [...group.querySelectorAll('option')].find((o) => o.textContent.startsWith('New patient'));
        if (!option) return false;
        Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(select, option.value);
        select.dispatchEvent(new Event('change', { bubbles: true }));
        return true;`,
        args: [],
      });
      if (!chose) await sleep(200);
    }
    assert.ok(chose, 'New patient is offered as longer than the free time');
    await wd.click('booking-submit');
    // Past the end of the day, or into a break (the session before it ends).
    const warning = await wd.waitForText('booking-outside-hours', (t) => /runs (past the end|into .+ break)/.test(t));
    assert.match(warning, /(hours at|break from) \d\d:\d\d/);
    await shot(wd, '37-booking-past-hours-warning');
    await wd.click('booking-anyway');
    await wd.waitGone('booking-submit');
    await shot(wd, '38-booked-past-hours');

    // Eva also walks in today: booked and checked in at once, she joins the queue.
    // The queue may be empty (late in the clinic's day nobody waits): the screen is there when its
    // walk-in button is.
    await wd.click('nav-waiting');
    await wd.find('walk-in-open');
    await wd.click('walk-in-open');
    await wd.type('walk-in-patient', 'queue eva');
    await sleep(800);
    await wd.pressKey(ARROW_DOWN);
    await wd.pressKey(ENTER);
    await wd.click('walk-in-provider');
    await sleep(300);
    await wd.pressKey(ARROW_DOWN);
    await wd.pressKey(ENTER);
    await wd.type('walk-in-reason', 'Sore throat');
    await wd.click('walk-in-submit');
    await wd.waitGone('walk-in-submit');
    await wd.waitForText('queue', (t) => t.includes('Eva Queue'));
    await shot(wd, '33-queue-with-walk-in');
    await wd.click('sign-out');

    // The doctor calls her in to a room; the display shows "Eva Q." and the room, nothing more.
    await signIn(wd, 'dr.okafor', password);
    await wd.waitForText('shell-user-name', (t) => t.includes('Okafor'));
    await wd.click('nav-waiting');
    await wd.waitForText('queue', (t) => t.includes('Eva Queue'));
    await clickInRow(wd, 'queue-row', 'Eva Queue', 'call-in');
    await wd.type('call-room', '4');
    await wd.pressEnter('call-room');
    await wd.waitForText('queue', (t) => t.includes('Room 4'));
    await shot(wd, '34-called-in');

    const main = await wd.cmd('GET', '/window');
    await wd.click('open-display');
    let display;
    for (let i = 0; i < 40 && !display; i += 1) {
      const handles = await wd.cmd('GET', '/window/handles');
      display = handles.find((h) => h !== main);
      if (!display) await sleep(250);
    }
    assert.ok(display, 'the waiting-room display window opened');
    await wd.cmd('POST', '/window', { handle: display });
    const shown = await wd.waitForText('display-current', (t) => t.includes('Eva Q.'), { timeout: 20000 });
    assert.match(shown, /Room 4/);
    assert.ok(!shown.includes('Queue'), `the display shows the full name: ${shown}`);
    await shot(wd, '35-waiting-room-display');
    await wd.cmd('DELETE', '/window');
    await wd.cmd('POST', '/window', { handle: main });
  } catch (error) {
    await shot(wd, '3x-front-desk-failed').catch(() => {});
    throw error;
  } finally {
    await wd.quit();
  }
});

import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AppointmentType, WeekdayHours } from '../../api/types';
import { callsOf, IpcRejection, mockCommands, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { SchedulingPanel } from './SchedulingPanel';

/** Open 08:00–18:00 on weekdays, closed at the weekend. */
function openingWeek(): WeekdayHours[] {
  return [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
    weekday,
    blocks: weekday <= 5 ? [{ startsAt: '08:00', endsAt: '18:00' }] : [],
  }));
}

function setup(handlers: CommandHandlers = {}) {
  let types: AppointmentType[] = [
    { id: 't1', name: 'Follow-up', durationMinutes: 15 },
    { id: 't2', name: 'Consultation', durationMinutes: 45 },
  ];
  let stored = openingWeek();
  mockCommands({
    slot_minutes: () => 30,
    opening_hours: () => stored,
    set_opening_hours: ({ weekday, blocks }) => {
      const starts = blocks.map((b) => b.startsAt).sort();
      const ends = blocks.map((b) => b.endsAt).sort();
      // Rust's rule, with its field name (it does not say which block).
      if (starts.some((s, i) => i > 0 && s < (ends[i - 1] ?? ''))) {
        throw new IpcRejection('validation', 'two blocks overlap', 'startsAt');
      }
      stored = stored.map((d) => (d.weekday === weekday ? { weekday, blocks } : d));
      return stored;
    },
    appointment_types: () => types,
    save_appointment_type: ({ typeId, name, durationMinutes }) => {
      if (durationMinutes < 5 || durationMinutes > 480) {
        throw new IpcRejection('validation', 'between 5 and 480 minutes', 'durationMinutes');
      }
      types = typeId
        ? types.map((x) => (x.id === typeId ? { id: typeId, name, durationMinutes } : x))
        : [...types, { id: 't3', name, durationMinutes }];
      return types;
    },
    archive_appointment_type: ({ typeId }) => {
      types = types.filter((x) => x.id !== typeId);
      return null;
    },
    set_slot_minutes: () => null,
    ...handlers,
  });
  return renderWithProviders(<SchedulingPanel />);
}

describe('Scheduling settings', () => {
  it('saves a weekday of opening hours, with Rust’s refusal next to the overlapping block', async () => {
    const { user } = setup();
    await screen.findByTestId('opening-hours');
    const saturday = screen.getAllByTestId('opening-hours-day').find((r) => r.dataset.weekday === '6')!;
    expect(within(saturday).getByText('Closed')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Add hours on Sat' }));
    await user.click(screen.getByRole('button', { name: 'Add hours on Sat' }));
    // The second block starts inside the first.
    const secondStart = screen.getByLabelText('Sat: start of hours 2');
    await user.clear(secondStart);
    await user.type(secondStart, '16:00{Enter}');
    expect(await within(saturday).findByText('two blocks overlap')).toBeInTheDocument();
    expect(secondStart).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Sat: start of hours 1')).not.toHaveAttribute('aria-invalid', 'true');

    await user.click(screen.getByRole('button', { name: 'Sat: remove hours 2' }));
    const end = screen.getByLabelText('Sat: end of hours 1');
    await user.clear(end);
    await user.type(end, '13:00{Enter}');
    await waitFor(() => {
      expect(callsOf('set_opening_hours').at(-1)).toEqual({ weekday: 6, blocks: [{ startsAt: '09:00', endsAt: '13:00' }] });
    });
    expect(callsOf('set_opening_hours')).toHaveLength(2);
  });

  it('adds an appointment type, with Rust’s reason next to the length', async () => {
    const { user } = setup();
    const rows = await screen.findAllByTestId('type-row');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringContaining('Follow-up15 minutes'),
      expect.stringContaining('Consultation45 minutes'),
    ]);
    await user.click(screen.getByTestId('type-add'));
    const form = await screen.findByTestId('type-form');
    await user.type(within(form).getByTestId('type-name'), 'Vaccination');
    const duration = within(form).getByTestId('type-duration');
    await user.clear(duration);
    await user.type(duration, '2{Enter}');
    expect(await within(form).findByText('between 5 and 480 minutes')).toBeInTheDocument();
    expect(duration).toHaveAttribute('aria-invalid', 'true');

    await user.clear(duration);
    await user.type(duration, '10{Enter}');
    await waitFor(() => {
      expect(callsOf('save_appointment_type').at(-1)).toEqual({ typeId: null, name: 'Vaccination', durationMinutes: 10 });
    });
    await waitFor(() => {
      expect(screen.getAllByTestId('type-row')).toHaveLength(3);
    });
  });

  it('edits and archives an appointment type', async () => {
    const { user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Edit Consultation' }));
    const form = await screen.findByTestId('type-form');
    const duration = within(form).getByTestId('type-duration');
    await user.clear(duration);
    await user.type(duration, '60{Enter}');
    await waitFor(() => {
      expect(callsOf('save_appointment_type')).toEqual([{ typeId: 't2', name: 'Consultation', durationMinutes: 60 }]);
    });
    expect(await screen.findByText('Consultation is saved.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Archive Follow-up' }));
    expect(callsOf('archive_appointment_type')).toEqual([]);
    await user.click(await screen.findByTestId('type-archive-confirm'));
    await waitFor(() => {
      expect(callsOf('archive_appointment_type')).toEqual([{ typeId: 't1' }]);
    });
    await waitFor(() => {
      expect(screen.getAllByTestId('type-row')).toHaveLength(1);
    });
  });

  it('shows the slot length and saves a new one, with Rust’s reason next to it', async () => {
    let refuse = true;
    const { user } = setup({
      set_slot_minutes: () => {
        if (refuse) throw new IpcRejection('validation', 'choose 5, 10, 15, 20, 30, 60 or 120 minutes', 'slotMinutes');
        return null;
      },
    });
    const select = screen.getByTestId('slot-minutes');
    await waitFor(() => {
      expect(select).toHaveValue('30');
    });
    await user.selectOptions(select, '15');
    await user.click(screen.getByTestId('slot-save'));
    expect(await screen.findByText('choose 5, 10, 15, 20, 30, 60 or 120 minutes')).toBeInTheDocument();
    expect(select).toHaveAttribute('aria-invalid', 'true');

    refuse = false;
    await user.click(screen.getByTestId('slot-save'));
    await waitFor(() => {
      expect(callsOf('set_slot_minutes')).toEqual([{ minutes: 15 }, { minutes: 15 }]);
    });
    expect(await screen.findByText('The slot length is saved.')).toBeInTheDocument();
  });
});

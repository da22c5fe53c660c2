import { screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { appointment } from '../../test/fixtures';
import { renderWithProviders } from '../../test/render';
import { CalendarGrid, type GridColumn } from './CalendarGrid';
import { timeRows } from './calendarLayout';

const short = appointment({
  id: 'short',
  patientName: 'José Núñez Fernández de Córdoba',
  localStart: '10:00',
  localEnd: '10:15',
  status: 'checked_in',
});
const long = appointment({ id: 'long', localStart: '10:30', localEnd: '11:00' });

function renderGrid(overrides: Partial<GridColumn> = {}, mayBook = true, stale = false) {
  const blocks = [{ startsAt: '09:00', endsAt: '12:00' }];
  const column: GridColumn = {
    key: 'v1/2025-03-04',
    label: 'Dr. Grace Chen',
    color: '#2f9e44',
    providerId: 'v1',
    providerName: 'Dr. Grace Chen',
    date: '2025-03-04',
    blocks,
    off: [],
    taken: [],
    appointments: [short, long],
    ...overrides,
  };
  return renderWithProviders(
    <CalendarGrid
      columns={[column]}
      rows={timeRows(blocks, [], 15)}
      slotMinutes={15}
      onFreeSlot={vi.fn()}
      onOpenAppointment={vi.fn()}
      onMove={vi.fn()}
      mayBook={mayBook}
      stale={stale}
    />,
  );
}

describe('Calendar grid', () => {
  it('draws a one-row appointment on one line: time and patient, the status as a dot', () => {
    renderGrid();
    const [compact, full] = screen.getAllByTestId('appointment-block');
    expect(compact).toHaveAttribute('data-compact', 'true');
    const line = within(compact!).getByTestId('appointment-line');
    expect(within(line).getByText('10:00')).toBeInTheDocument();
    expect(within(line).getByText('José Núñez Fernández de Córdoba')).toBeInTheDocument();
    // No badge to push the name out of the block; the status is still read out, and in the tooltip.
    expect(compact!.querySelector('[data-status]')).toBeNull();
    expect(within(compact!).getByText('Checked in')).toBeInTheDocument();
    expect(compact).toHaveAttribute('title', '10:00–10:15 · José Núñez Fernández de Córdoba · Checked in · Follow-up');

    // Two rows and more: time and status badge, then the patient and the type.
    expect(full).toHaveAttribute('data-compact', 'false');
    expect(within(full!).queryByTestId('appointment-line')).not.toBeInTheDocument();
    expect(full!.querySelector('[data-status="confirmed"]')).toHaveTextContent('Confirmed');
    expect(within(full!).getByText('Follow-up')).toBeInTheDocument();
  });

  it('shades time that cannot be booked, like closed time, and offers nothing to click there', () => {
    // Until 10:00 is past (or held); the rest of the working hours are free.
    renderGrid({ taken: [{ start: 0, end: 10 * 60 }], appointments: [] });
    const taken = screen.getAllByTestId('schedule-taken');
    expect(taken.map((cell) => cell.dataset.time)).toEqual(['09:00', '09:15', '09:30', '09:45']);
    for (const cell of taken) {
      expect(cell).not.toHaveAttribute('role');
      expect(cell.tagName).not.toBe('BUTTON');
      // The shading of the hours outside working time.
      expect(cell.style.background).toBe('var(--mantine-color-gray-light)');
    }
    const free = screen.getAllByRole('button', { name: /^Book with/ });
    expect(free[0]).toHaveAttribute('data-time', '10:00');
    expect(free[0]!.style.background).toBe('');
  });

  it('offers no booking or moving to a user who may not book', () => {
    renderGrid({ appointments: [long] }, false);
    expect(screen.queryAllByRole('button', { name: /^Book with/ })).toEqual([]);
    expect(screen.getAllByTestId('schedule-free').length).toBeGreaterThan(0);
    expect(screen.getByTestId('appointment-block')).toHaveAttribute('draggable', 'false');
  });

  it('books nothing from the day before while the day asked for loads', () => {
    renderGrid({ appointments: [long] }, true, true);
    expect(screen.getByTestId('schedule-grid')).toHaveAttribute('aria-busy', 'true');
    expect(screen.queryAllByRole('button', { name: /^Book with/ })).toEqual([]);
    expect(screen.getByTestId('appointment-block')).toHaveAttribute('draggable', 'false');
  });
});

import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { appointment, overview } from '../../test/fixtures';
import { callsOf, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { shiftDay } from './days';
import { ScheduleScreen } from './ScheduleScreen';

describe('Schedule', () => {
  it('starts on the clinic’s today, groups by provider and moves by day', async () => {
    mockCommands({
      clinic_overview: () => overview(),
      list_appointments: ({ day }) =>
        day === '2025-03-04'
          ? [
              appointment({ id: 'b', providerName: 'Dr. Omar Haddad', startsAt: '2025-03-04T16:00:00Z', localStart: '10:00', localEnd: '10:30' }),
              appointment({ id: 'a', providerName: 'Dr. Grace Chen' }),
              appointment({ id: 'c', providerName: 'Dr. Omar Haddad', startsAt: '2025-03-04T15:00:00Z', localStart: '09:00', localEnd: '09:30', status: 'no_show' }),
            ]
          : [],
    });
    const { user } = renderWithProviders(<ScheduleScreen />);

    const groups = await screen.findAllByTestId('schedule-provider-group');
    expect(groups.map((g) => g.getAttribute('aria-label'))).toEqual(['Dr. Grace Chen', 'Dr. Omar Haddad']);
    const omarRows = within(groups[1]!).getAllByTestId('appointment-row');
    expect(omarRows.map((r) => r.getAttribute('data-appointment-id'))).toEqual(['c', 'b']);
    expect(within(omarRows[0]!).getByText('No-show')).toBeInTheDocument();
    expect(callsOf('list_appointments')).toEqual([{ day: '2025-03-04' }]);
    expect(screen.getByTestId('schedule-day-label')).toHaveTextContent('Tuesday, March 4, 2025 · 3 appointments');
    expect(screen.getByTestId('schedule-date')).toHaveTextContent('Tue, Mar 4, 2025');

    await user.click(screen.getByTestId('schedule-next'));
    await waitFor(() => {
      expect(callsOf('list_appointments').at(-1)).toEqual({ day: '2025-03-05' });
    });
    expect(await screen.findByTestId('schedule-empty')).toHaveTextContent(
      'No appointments on Wednesday, March 5, 2025.',
    );

    await user.click(screen.getByTestId('schedule-prev'));
    await user.click(screen.getByTestId('schedule-prev'));
    await waitFor(() => {
      expect(callsOf('list_appointments').at(-1)).toEqual({ day: '2025-03-03' });
    });

    await user.click(screen.getByTestId('schedule-today'));
    expect(await screen.findAllByTestId('schedule-provider-group')).toHaveLength(2);
  });
});

describe('shiftDay', () => {
  it('crosses month, year and leap-day boundaries', () => {
    expect(shiftDay('2025-03-31', 1)).toBe('2025-04-01');
    expect(shiftDay('2025-01-01', -1)).toBe('2024-12-31');
    expect(shiftDay('2024-02-28', 1)).toBe('2024-02-29');
    expect(shiftDay('2025-03-09', 1)).toBe('2025-03-10');
  });
});

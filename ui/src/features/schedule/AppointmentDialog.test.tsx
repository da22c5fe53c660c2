import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { appointment, patientHeader } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands, type CommandHandlers } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { AppointmentDialog } from './AppointmentDialog';

function setup(summary = appointment(), handlers: CommandHandlers = {}) {
  mockCommands({
    patient_header: ({ patientId }) => patientHeader({ id: patientId }),
    ...handlers,
  });
  const onClose = vi.fn();
  const rendered = renderWithProviders(<AppointmentDialog appointment={summary} timeZone="America/Chicago" onClose={onClose} />);
  return { ...rendered, onClose };
}

describe('The appointment dialog', () => {
  it('offers only what Rust says the appointment may become now: tomorrow’s is not checked in', async () => {
    setup(
      appointment({
        status: 'scheduled',
        localDate: '2025-03-05',
        nextStatuses: ['confirmed', 'cancelled', 'rescheduled'],
      }),
    );
    expect(await screen.findByTestId('appointment-confirm')).toBeInTheDocument();
    expect(screen.getByTestId('appointment-reschedule')).toBeInTheDocument();
    expect(screen.getByTestId('appointment-cancel')).toBeInTheDocument();
    expect(screen.queryByTestId('appointment-check-in')).not.toBeInTheDocument();
    expect(screen.queryByTestId('appointment-no-show')).not.toBeInTheDocument();
  });

  it('offers check-in and no-show on the day, once the appointment has started', async () => {
    setup(appointment({ status: 'confirmed', nextStatuses: ['checked_in', 'cancelled', 'no_show', 'rescheduled'] }));
    expect(await screen.findByTestId('appointment-check-in')).toBeInTheDocument();
    expect(screen.getByTestId('appointment-no-show')).toBeInTheDocument();
    expect(screen.queryByTestId('appointment-confirm')).not.toBeInTheDocument();
  });

  it('moves past the end of hours only when the user confirms', async () => {
    const { user, onClose } = setup(appointment(), {
      reschedule_appointment: ({ to }) => {
        if (!to.allowOutsideHours) {
          throw new IpcRejection('outside_working_hours', "Tue 4 Mar 17:00–17:30 runs past the end of Dr. Grace Chen's hours at 17:00");
        }
        return 'a2';
      },
    });
    await user.click(await screen.findByTestId('appointment-reschedule'));
    await user.clear(screen.getByTestId('reschedule-time'));
    await user.type(screen.getByTestId('reschedule-time'), '17:00');
    await user.click(screen.getByTestId('reschedule-submit'));
    const warning = await screen.findByTestId('reschedule-outside-hours');
    expect(warning).toHaveTextContent('runs past the end');
    expect(onClose).not.toHaveBeenCalled();
    await user.click(within(warning).getByTestId('reschedule-anyway'));
    await waitFor(() => {
      expect(onClose).toHaveBeenCalled();
    });
    expect(callsOf('reschedule_appointment').map((c) => c.to.allowOutsideHours)).toEqual([undefined, true]);
    expect(callsOf('reschedule_appointment')[1]?.to.startsAt).toBe('2025-03-04T23:00:00Z');
  });
});

import { act, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RoomCall } from '../../api/types';
import { IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';
import { WaitingRoomDisplay } from './WaitingRoomDisplay';

/** A Web Audio stand-in that counts chimes (one AudioContext per chime) and tones. */
const audio = { contexts: 0, tones: 0 };

class FakeAudioContext {
  currentTime = 0;
  destination = {};
  constructor() {
    audio.contexts += 1;
  }
  resume() {
    return Promise.resolve();
  }
  close() {
    return Promise.resolve();
  }
  createOscillator() {
    return {
      type: 'sine',
      frequency: { value: 0 },
      connect: vi.fn(),
      start: () => {
        audio.tones += 1;
      },
      stop: vi.fn(),
    };
  }
  createGain() {
    return { gain: { setValueAtTime: vi.fn(), exponentialRampToValueAtTime: vi.fn() }, connect: vi.fn() };
  }
}

function roomCall(overrides: Partial<RoomCall> = {}): RoomCall {
  return {
    appointmentId: 'a1',
    displayName: 'José N.',
    room: '3',
    calledAt: '2025-03-04T15:00:00Z',
    localTime: '09:00',
    ...overrides,
  };
}

beforeEach(() => {
  audio.contexts = 0;
  audio.tones = 0;
  vi.stubGlobal('AudioContext', FakeAudioContext);
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Waiting-room display', () => {
  it('shows only the name and room of the newest call, and the previous calls', async () => {
    mockCommands({
      room_calls: () => [
        roomCall(),
        roomCall({ appointmentId: 'a2', displayName: 'Maria L.', room: '1', calledAt: '2025-03-04T14:50:00Z', localTime: '08:50' }),
      ],
    });
    renderWithProviders(<WaitingRoomDisplay />);

    expect(await screen.findByTestId('display-current-name')).toHaveTextContent(/^José N\.$/);
    expect(screen.getByTestId('display-current-room')).toHaveTextContent(/^Room 3$/);
    const previous = screen.getAllByTestId('display-previous');
    expect(previous).toHaveLength(1);
    expect(previous[0]).toHaveTextContent(/^Maria L\.Room 1$/);
    // Nothing else: not the call time, not the appointment.
    const text = screen.getByTestId('waiting-room-display').textContent;
    expect(text).not.toContain('09:00');
    expect(text).not.toContain('08:50');
    expect(text).not.toContain('a1');
    // The first answer is the baseline: no chime for calls made before the display opened.
    expect(audio.contexts).toBe(0);
  });

  it('chimes once per new call, and again when a patient is called again', async () => {
    let calls: RoomCall[] = [];
    mockCommands({ room_calls: () => calls });
    const { queryClient } = renderWithProviders(<WaitingRoomDisplay />);
    expect(await screen.findByTestId('display-empty')).toBeInTheDocument();

    const poll = () => act(() => queryClient.refetchQueries({ queryKey: ['room_calls'] }));

    calls = [roomCall()];
    await poll();
    await waitFor(() => {
      expect(screen.getByTestId('display-current')).toHaveAttribute('data-highlighted', 'true');
    });
    expect(audio.contexts).toBe(1);
    expect(audio.tones).toBe(2);

    // Polling the same calls again rings nothing.
    await poll();
    await poll();
    expect(audio.contexts).toBe(1);

    // Another patient called.
    calls = [roomCall({ appointmentId: 'a2', displayName: 'Maria L.', room: '1', calledAt: '2025-03-04T15:05:00Z' }), ...calls];
    await poll();
    await waitFor(() => {
      expect(screen.getByTestId('display-current-name')).toHaveTextContent('Maria L.');
    });
    expect(audio.contexts).toBe(2);

    // The first patient called again: a later calledAt.
    calls = [roomCall({ calledAt: '2025-03-04T15:07:00Z' }), calls[0]!];
    await poll();
    await waitFor(() => {
      expect(screen.getByTestId('display-current-name')).toHaveTextContent('José N.');
    });
    expect(audio.contexts).toBe(3);
  });

  it('works without Web Audio', async () => {
    vi.stubGlobal('AudioContext', undefined);
    let calls: RoomCall[] = [];
    mockCommands({ room_calls: () => calls });
    const { queryClient } = renderWithProviders(<WaitingRoomDisplay />);
    await screen.findByTestId('display-empty');
    calls = [roomCall()];
    await act(() => queryClient.refetchQueries({ queryKey: ['room_calls'] }));
    expect(await screen.findByTestId('display-current-name')).toHaveTextContent('José N.');
  });

  it('waits calmly when the calls cannot be read (e.g. after sign-out)', async () => {
    mockCommands({
      room_calls: () => {
        throw new IpcRejection('not_signed_in', 'no session');
      },
    });
    renderWithProviders(<WaitingRoomDisplay />);
    await waitFor(() => {
      expect(screen.getByTestId('display-waiting')).toHaveTextContent('Waiting for the front desk');
    });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});

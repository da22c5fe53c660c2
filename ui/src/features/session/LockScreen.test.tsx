import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppStatus, PatientQuery, SignInArgs } from '../../api/types';
import { App } from '../../app/App';
import { lockedStatus, overview, patientRows, readyStatus, users } from '../../test/fixtures';
import { callsOf, IpcRejection, mockCommands } from '../../test/ipcMock';
import { renderWithProviders } from '../../test/render';

const receptionist: AppStatus = {
  ...readyStatus,
  user: { id: 'u3', username: 'sam', displayName: 'Sam Reception', role: 'receptionist', mustChangePassword: false },
  allowed: ['view_demographics', 'edit_demographics', 'view_schedule', 'edit_schedule', 'check_in'],
};

/** A clinic whose session the test locks and unlocks; sign_in answers for `admin` and `sam`. */
function mockSession(initial: AppStatus = readyStatus) {
  let status = initial;
  mockCommands({
    app_status: () => status,
    clinic_overview: () => overview(),
    list_users: () => users(),
    list_patients: ({ offset, limit }: PatientQuery) => ({ total: 60, tooMany: false, rows: patientRows(60).slice(offset, offset + limit) }),
    touch_session: () => null,
    lock_session: () => {
      status = lockedStatus;
      return status;
    },
    sign_in: ({ username, password }: SignInArgs) => {
      if (password !== 'right password') throw new IpcRejection('invalid_credentials', 'wrong');
      status = username === 'sam' ? receptionist : readyStatus;
      return status;
    },
  });
}

async function lockFromTheMenu(user: ReturnType<typeof renderWithProviders>['user']) {
  await user.click(screen.getByTestId('user-menu'));
  await user.click(await screen.findByTestId('lock-now'));
  return screen.findByTestId('lock-screen');
}

/** The top-level element (a child of <body>) that holds `element`. */
function bodyChildHolding(element: HTMLElement): HTMLElement {
  let node = element;
  while (node.parentElement && node.parentElement !== document.body) node = node.parentElement;
  return node;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('lock screen', () => {
  it('covers the shell, and the same user unlocking finds their unsaved input', async () => {
    mockSession();
    const { user } = renderWithProviders(<App />);
    await user.click(await screen.findByTestId('nav-patients'));
    await user.type(screen.getByTestId('patients-search'), 'Lop');

    const lock = await lockFromTheMenu(user);
    expect(lock).toHaveTextContent('Alex Admin is signed in');
    // Everything else is hidden and out of reach while locked.
    const shell = bodyChildHolding(screen.getByTestId('patients-search'));
    expect(shell).toHaveAttribute('aria-hidden', 'true');
    expect(shell).toHaveStyle({ visibility: 'hidden' });

    await user.type(screen.getByTestId('lock-password'), 'not it');
    await user.click(screen.getByTestId('lock-submit'));
    expect(await screen.findByTestId('lock-error')).toBeInTheDocument();
    expect(callsOf('sign_in').at(-1)).toEqual({ username: 'admin', password: 'not it' });

    await user.clear(screen.getByTestId('lock-password'));
    await user.type(screen.getByTestId('lock-password'), 'right password');
    await user.click(screen.getByTestId('lock-submit'));
    await waitFor(() => expect(screen.queryByTestId('lock-screen')).not.toBeInTheDocument());
    expect(screen.getByTestId('patients-search')).toHaveValue('Lop');
    expect(screen.getByTestId('patients-search').closest('[aria-hidden="true"]')).toBeNull();
  });

  it('keeps the screen the user was on while locked, when Rust allows nothing', async () => {
    mockSession();
    const { user } = renderWithProviders(<App />);
    await user.click(await screen.findByTestId('nav-admin'));
    expect(await screen.findAllByTestId('user-row')).toHaveLength(3);

    await lockFromTheMenu(user);
    expect(screen.getAllByTestId('user-row')).toHaveLength(3);
    await user.type(screen.getByTestId('lock-password'), 'right password');
    await user.click(screen.getByTestId('lock-submit'));
    await waitFor(() => expect(screen.queryByTestId('lock-screen')).not.toBeInTheDocument());
    expect(screen.getByTestId('nav-admin')).toHaveAttribute('aria-current', 'page');
  });

  it('another user signing in starts a fresh shell with none of the first user’s data', async () => {
    mockSession();
    const { user, queryClient } = renderWithProviders(<App />);
    await user.click(await screen.findByTestId('nav-patients'));
    await user.type(screen.getByTestId('patients-search'), 'Lop');
    await screen.findAllByTestId('patient-row');

    await lockFromTheMenu(user);
    await user.click(screen.getByTestId('lock-switch-user'));
    expect(screen.getByTestId('lock-switch-warning')).toHaveTextContent("anything Alex Admin had not saved is discarded");
    await user.type(screen.getByTestId('lock-username'), 'sam');
    await user.type(screen.getByTestId('lock-password'), 'right password');
    const switchedAt = Date.now();
    await user.click(screen.getByTestId('lock-submit'));

    await waitFor(() => expect(screen.getByTestId('shell-user-name')).toHaveTextContent('Sam Reception'));
    expect(screen.queryByTestId('lock-screen')).not.toBeInTheDocument();
    expect(callsOf('sign_in').at(-1)).toEqual({ username: 'sam', password: 'right password' });
    // A fresh shell: back on Today, the search box and the first user's patient pages gone.
    expect(screen.getByTestId('nav-today')).toHaveAttribute('aria-current', 'page');
    expect(screen.queryByTestId('patients-search')).not.toBeInTheDocument();
    // Whatever is cached now was fetched in Sam's session, never kept from Alex's.
    const cached = queryClient.getQueryCache().findAll({ queryKey: ['list_patients'] });
    expect(cached.every((query) => query.state.dataUpdatedAt === 0 || query.state.dataUpdatedAt >= switchedAt)).toBe(true);
  });

  it('locks after the idle minutes without input, and input reports activity instead', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    mockSession({ ...readyStatus, idleLockMinutes: 1 });
    renderWithProviders(<App />);
    await screen.findByTestId('stat-patients');

    await act(() => vi.advanceTimersByTimeAsync(50_000));
    fireEvent.keyDown(window, { key: 'a' });
    await act(() => vi.advanceTimersByTimeAsync(50_000));
    // 100 s since sign-in, 50 s since the key: still open, and the key was reported to Rust.
    expect(screen.queryByTestId('lock-screen')).not.toBeInTheDocument();
    expect(callsOf('lock_session')).toHaveLength(0);
    expect(callsOf('touch_session')).toHaveLength(1);

    await act(() => vi.advanceTimersByTimeAsync(11_000));
    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(callsOf('lock_session')).toHaveLength(1);
  });
});

import { Drawer, Modal, Pagination } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { act, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../test/render';

// The application source (not tests), as text.
const sources = Object.entries(
  import.meta.glob<string>(['../**/*.tsx', '!../**/*.test.tsx', '!../test/**'], {
    query: '?raw',
    import: 'default',
    eager: true,
  }),
);

describe('icon-only buttons', () => {
  it('have a name: every dialog’s close button', () => {
    renderWithProviders(
      <>
        <Modal opened onClose={() => undefined} title="A dialog">
          text
        </Modal>
        <Drawer opened onClose={() => undefined} title="A drawer">
          text
        </Drawer>
      </>,
    );
    for (const name of ['A dialog', 'A drawer']) {
      expect(within(screen.getByRole('dialog', { name })).getByRole('button', { name: 'Close' })).toBeInTheDocument();
    }
  });

  it('have a name: the pager’s arrows', () => {
    renderWithProviders(<Pagination total={5} value={2} onChange={() => undefined} withEdges />);
    for (const name of ['First page', 'Previous page', 'Next page', 'Last page']) {
      expect(screen.getByRole('button', { name })).toBeInTheDocument();
    }
  });

  it('have a name: every ActionIcon', () => {
    const unnamed = sources.flatMap(([file, text]) =>
      [...text.matchAll(/<ActionIcon\b[^>]*>/g)]
        .filter(([tag]) => !/\baria-label=/.test(tag))
        .map(([tag]) => `${file}: ${tag.slice(0, 60)}`),
    );
    expect(unnamed).toEqual([]);
  });
});

describe('notifications', () => {
  it('appear bottom right, clear of the header’s user menu and Sign out, and can be closed by name', () => {
    renderWithProviders(<p>screen</p>);
    act(() => {
      notifications.show({ message: 'Appointment booked.' });
    });
    const notification = screen.getByText('Appointment booked.').closest('[role="alert"]');
    expect(notification?.closest('[data-position]')).toHaveAttribute('data-position', 'bottom-right');
    expect(within(notification as HTMLElement).getByRole('button', { name: 'Close' })).toBeInTheDocument();
  });
});

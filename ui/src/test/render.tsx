import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { createQueryClient } from '../api/queries';
import { AppProviders } from '../app/AppProviders';

/** Renders with the real providers (fresh QueryClient, Mantine in test mode, i18n). */
export function renderWithProviders(ui: ReactElement) {
  const queryClient = createQueryClient();
  const user = userEvent.setup({ delay: null });
  const result = render(
    <AppProviders queryClient={queryClient} env="test">
      {ui}
    </AppProviders>,
  );
  return { ...result, user, queryClient };
}

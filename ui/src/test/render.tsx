import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactElement } from 'react';
import { Allowed } from '../api/permissions';
import { createQueryClient } from '../api/queries';
import type { Action } from '../api/types';
import { AppProviders } from '../app/AppProviders';
import { ClinicTimeZone } from '../i18n/format';
import { ALL_ACTIONS, overview } from './fixtures';

interface RenderOptions {
  /** What the signed-in user may do (what the shell provides): everything, as the fixtures' administrator. */
  allowed?: readonly Action[];
  /** The clinic's time zone (what the shell provides): by default the fixture overview's. */
  timeZone?: string;
}

/**
 * Renders with the real providers (fresh QueryClient, Mantine in test mode, i18n), and what the
 * signed-in shell provides to its screens. <App /> provides its own from app_status and the overview.
 */
export function renderWithProviders(
  ui: ReactElement,
  { allowed = ALL_ACTIONS, timeZone = overview().timeZone }: RenderOptions = {},
) {
  const queryClient = createQueryClient();
  const user = userEvent.setup({ delay: null });
  const result = render(
    <AppProviders queryClient={queryClient} env="test">
      <Allowed value={new Set(allowed)}>
        <ClinicTimeZone value={timeZone}>{ui}</ClinicTimeZone>
      </Allowed>
    </AppProviders>,
  );
  return { ...result, user, queryClient };
}

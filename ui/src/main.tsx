import '@mantine/core/styles.css';
import '@mantine/dates/styles.css';
import '@mantine/notifications/styles.css';
import './i18n';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './api/queries';
import { App } from './app/App';
import { AppProviders } from './app/AppProviders';
import { WaitingRoomDisplay } from './features/waiting/WaitingRoomDisplay';

const rootElement = document.getElementById('root');
if (!rootElement) throw new Error('Missing #root element');

// The waiting-room display window (opened by open_waiting_room_display) loads `?view=waiting-room`.
const waitingRoomDisplay = new URLSearchParams(window.location.search).get('view') === 'waiting-room';

createRoot(rootElement).render(
  <StrictMode>
    <AppProviders queryClient={createQueryClient()}>
      {waitingRoomDisplay ? <WaitingRoomDisplay /> : <App />}
    </AppProviders>
  </StrictMode>,
);

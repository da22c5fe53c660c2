import { Box, Center, Stack, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRoomCalls } from '../../api/frontDeskQueries';
import type { RoomCall } from '../../api/types';
import { playChime, roomName } from './frontDesk';

/** How many earlier calls are listed under the newest one. */
const PREVIOUS_CALLS = 4;
/** How long a new call stays highlighted. */
const HIGHLIGHT_MS = 10_000;

const callKey = (call: RoomCall) => `${call.appointmentId}@${call.calledAt}`;

/**
 * The waiting-room TV (a second window, `index.html?view=waiting-room`): the newest call large, a
 * few earlier ones below. It shows only the first name and initial and the room: nothing else about
 * a patient ever reaches this screen. A new call (or a patient called again) rings a chime.
 */
export function WaitingRoomDisplay() {
  const { t } = useTranslation();
  const calls = useRoomCalls();
  const newest = calls.data?.[0];
  const newestKey = calls.data ? (newest ? callKey(newest) : null) : undefined;

  // The last call seen (undefined before the first answer) and the call being announced. Adjusted
  // while rendering, so the first answer sets the baseline and only later calls ring.
  const [seenKey, setSeenKey] = useState<string | null | undefined>(undefined);
  const [announced, setAnnounced] = useState<string | null>(null);
  if (newestKey !== undefined && newestKey !== seenKey) {
    setSeenKey(newestKey);
    if (seenKey !== undefined && newestKey !== null) setAnnounced(newestKey);
  }

  useEffect(() => {
    if (announced === null) return;
    playChime();
    const timer = window.setTimeout(() => {
      setAnnounced(null);
    }, HIGHLIGHT_MS);
    return () => {
      window.clearTimeout(timer);
    };
  }, [announced]);

  return (
    <Box
      data-testid="waiting-room-display"
      style={{ minHeight: '100vh', background: '#0b1220', color: '#ffffff', padding: '4vh 5vw' }}
    >
      {calls.isError || !calls.data ? (
        <Center style={{ minHeight: '90vh' }}>
          <Text fz="5vh" fw={500} c="gray.4" ta="center" data-testid="display-waiting">
            {calls.isError ? t('waiting.display.waitingForDesk') : t('waiting.display.welcome')}
          </Text>
        </Center>
      ) : !newest ? (
        <Center style={{ minHeight: '90vh' }}>
          <Text fz="5vh" fw={500} c="gray.4" ta="center" data-testid="display-empty">
            {t('waiting.display.welcome')}
          </Text>
        </Center>
      ) : (
        <Stack gap="6vh">
          <Box
            data-testid="display-current"
            data-highlighted={announced === callKey(newest) ? 'true' : 'false'}
            style={{
              borderRadius: 24,
              padding: '5vh 4vw',
              background: announced === callKey(newest) ? '#facc15' : '#1e293b',
              color: announced === callKey(newest) ? '#0b1220' : '#ffffff',
              transition: 'background 400ms ease, color 400ms ease',
            }}
          >
            <Text fz="4vh" fw={500} style={{ opacity: 0.85 }}>
              {t('waiting.display.nowCalling')}
            </Text>
            <Text fz="12vh" fw={800} lh={1.1} data-testid="display-current-name">
              {newest.displayName}
            </Text>
            <Text fz="8vh" fw={700} lh={1.2} data-testid="display-current-room">
              {roomName(t, newest.room)}
            </Text>
          </Box>
          {calls.data.length > 1 && (
            <Stack gap="2vh">
              <Text fz="3.5vh" c="gray.4">
                {t('waiting.display.previous')}
              </Text>
              {calls.data.slice(1, 1 + PREVIOUS_CALLS).map((call) => (
                <Box
                  key={callKey(call)}
                  data-testid="display-previous"
                  style={{
                    display: 'flex',
                    justifyContent: 'space-between',
                    gap: '4vw',
                    fontSize: '5vh',
                    fontWeight: 600,
                    borderBottom: '1px solid #334155',
                    paddingBottom: '1vh',
                  }}
                >
                  <span>{call.displayName}</span>
                  <span>{roomName(t, call.room)}</span>
                </Box>
              ))}
            </Stack>
          )}
        </Stack>
      )}
    </Box>
  );
}

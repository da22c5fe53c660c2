import { Button, Group, Popover, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/errors';
import { useCallPatient } from '../../api/frontDeskQueries';
import { rememberedRoom, rememberRoom, roomName } from './frontDesk';

interface CallInButtonProps {
  appointmentId: string;
  patientName: string;
  /** The room they were called to before (calling again); else this computer's last room. */
  room: string | null;
  again: boolean;
}

/** "Call in" / "Call again": asks for the room (remembered on this computer), then calls the patient. */
export function CallInButton({ appointmentId, patientName, room, again }: CallInButtonProps) {
  const { t } = useTranslation();
  const [opened, setOpened] = useState(false);
  const [value, setValue] = useState('');
  const callPatient = useCallPatient();
  const trimmed = value.trim();

  const open = () => {
    setValue(room ?? rememberedRoom());
    setOpened(true);
  };

  const submit = () => {
    if (trimmed === '') return;
    rememberRoom(trimmed);
    callPatient.mutate(
      { appointmentId, room: trimmed },
      {
        onSuccess: () => {
          setOpened(false);
          notifications.show({
            color: 'teal',
            message: t('waiting.called', { name: patientName, place: roomName(t, trimmed) }),
          });
        },
        onError: (error) => {
          const described = describeError(t, error);
          notifications.show({
            color: 'red',
            title: t('waiting.callFailed'),
            message: described.detail ?? described.message,
          });
        },
      },
    );
  };

  return (
    <Popover opened={opened} onChange={setOpened} trapFocus position="bottom-end" withArrow shadow="md">
      <Popover.Target>
        <Button
          size="xs"
          variant={again ? 'default' : 'filled'}
          onClick={() => {
            if (opened) setOpened(false);
            else open();
          }}
          data-testid={again ? 'call-again' : 'call-in'}
        >
          {again ? t('waiting.callAgain') : t('waiting.callIn')}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <Stack gap="xs">
            <TextInput
              label={t('waiting.room')}
              placeholder={t('waiting.roomPlaceholder')}
              value={value}
              onChange={(event) => {
                setValue(event.currentTarget.value);
              }}
              maxLength={20}
              data-autofocus
              data-testid="call-room"
            />
            <Group justify="flex-end" gap="xs">
              <Button
                size="xs"
                variant="default"
                onClick={() => {
                  setOpened(false);
                }}
              >
                {t('common.cancel')}
              </Button>
              <Button
                size="xs"
                type="submit"
                disabled={trimmed === ''}
                loading={callPatient.isPending}
                data-testid="call-submit"
              >
                {again ? t('waiting.callAgain') : t('waiting.callIn')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Popover.Dropdown>
    </Popover>
  );
}

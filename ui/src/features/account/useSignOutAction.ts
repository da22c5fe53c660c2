import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../api/errors';
import { useSignOut } from '../../api/queries';

/** Signs out; a failure is shown as a notification. */
export function useSignOutAction() {
  const { t } = useTranslation();
  const signOut = useSignOut();
  const run = () => {
    signOut.mutate(undefined, {
      onError: (error) => {
        notifications.show({
          color: 'red',
          title: t('shell.signOutFailed'),
          message: errorMessage(t, error),
        });
      },
    });
  };
  return { signOut: run, isPending: signOut.isPending };
}

import { useAppStatus, useClearSessionCacheWhenSignedOut } from '../api/queries';
import { ErrorBoundary } from './ErrorBoundary';
import { SignedInShell } from './SignedInShell';
import { ChangePasswordScreen } from '../screens/ChangePasswordScreen';
import { FatalErrorScreen } from '../screens/FatalErrorScreen';
import { JoiningScreen } from '../screens/JoiningScreen';
import { LoadingScreen } from '../screens/LoadingScreen';
import { RecoverScreen } from '../screens/RecoverScreen';
import { RecoveryKeyScreen } from '../screens/RecoveryKeyScreen';
import { SetupScreen } from '../screens/SetupScreen';
import { SignInScreen } from '../screens/SignInScreen';

/**
 * Chooses the screen from `app_status`: setup, sign-in, forced password change, or the shell
 * (covered by the lock screen when the session is locked).
 * A failing `app_status` is fatal: no retry loop.
 */
export function App() {
  const status = useAppStatus();
  const phase = status.data?.phase;
  // A locked screen keeps the session's cached data: the same user unlocking continues where they were.
  const signedIn =
    (phase === 'ready' || phase === 'locked' || phase === 'recovery_key') && status.data?.user != null;
  useClearSessionCacheWhenSignedOut(signedIn || status.isPending);

  if (status.isError) return <FatalErrorScreen error={status.error} />;
  if (status.isPending) return <LoadingScreen />;

  const data = status.data;
  let screen;
  switch (data.phase) {
    case 'setup':
      screen = <SetupScreen />;
      break;
    case 'sign_in':
      screen = <SignInScreen status={data} />;
      break;
    case 'recover':
      screen = <RecoverScreen />;
      break;
    case 'joining':
      // A new computer: the clinic is arriving from the server.
      screen = <JoiningScreen />;
      break;
    case 'recovery_key':
      // Just set up: the administrator keeps the recovery key safe before anything else.
      screen = <RecoveryKeyScreen />;
      break;
    case 'change_password':
      // Signed in, but nothing else is allowed until the password is changed.
      screen = data.user ? <ChangePasswordScreen user={data.user} /> : <SignInScreen status={data} />;
      break;
    case 'ready':
    case 'locked':
      // Both always carry the user; without one, the session is gone: sign in again. Ready and locked
      // render the same shell, so locking and unlocking keep everything the user had on screen.
      screen = data.user ? <SignedInShell status={data} user={data.user} /> : <SignInScreen status={data} />;
      break;
  }
  return <ErrorBoundary>{screen}</ErrorBoundary>;
}

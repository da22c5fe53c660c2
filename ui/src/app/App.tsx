import { useAppStatus, useClearSessionCacheWhenSignedOut } from '../api/queries';
import { AppLayout } from './AppLayout';
import { ErrorBoundary } from './ErrorBoundary';
import { ChangePasswordScreen } from '../screens/ChangePasswordScreen';
import { FatalErrorScreen } from '../screens/FatalErrorScreen';
import { LoadingScreen } from '../screens/LoadingScreen';
import { SetupScreen } from '../screens/SetupScreen';
import { SignInScreen } from '../screens/SignInScreen';

/**
 * Chooses the screen from `app_status`: setup, sign-in, forced password change, or the shell.
 * A failing `app_status` is fatal: no retry loop.
 */
export function App() {
  const status = useAppStatus();
  const signedIn = status.data?.phase === 'ready' && status.data.user !== null;
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
    case 'change_password':
      // Signed in, but nothing else is allowed until the password is changed.
      screen = data.user ? <ChangePasswordScreen user={data.user} /> : <SignInScreen status={data} />;
      break;
    case 'ready':
      // "ready" always carries the user; without one, the session is gone: sign in again.
      screen = data.user ? <AppLayout status={data} user={data.user} /> : <SignInScreen status={data} />;
      break;
  }
  return <ErrorBoundary>{screen}</ErrorBoundary>;
}

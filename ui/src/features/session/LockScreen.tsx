import { Anchor, Box, Button, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { DescribedError } from '../../api/errors';
import { applyIpcError } from '../../api/formErrors';
import { useSignIn } from '../../api/queries';
import type { AppStatus, SessionUser, SignInArgs } from '../../api/types';
import { CenteredCard } from '../../components/CenteredCard';
import { CredentialFields } from '../../components/CredentialFields';
import { FormErrorAlert } from '../../components/FormErrorAlert';

/**
 * Covers everything on screen while the session is locked: the same user's password continues
 * where they were; "sign in as someone else" lets another user take over a shared computer.
 */
export function LockScreen({ status, user }: { status: AppStatus; user: SessionUser }) {
  const { t } = useTranslation();
  const signIn = useSignIn();
  const [switching, setSwitching] = useState(false);
  const [formError, setFormError] = useState<DescribedError | null>(null);
  const cover = useRef<HTMLDivElement>(null);
  useHideEverythingElse(cover);
  const form = useForm<SignInArgs>({
    mode: 'uncontrolled',
    initialValues: { username: '', password: '' },
    validate: {
      username: (v) => (!switching || v.trim() ? null : t('signIn.validation.usernameRequired')),
      password: (v) => (v ? null : t('signIn.validation.passwordRequired')),
    },
  });

  const submit = form.onSubmit((values) => {
    setFormError(null);
    const username = switching ? values.username.trim() : user.username;
    signIn.mutate(
      { username, password: values.password },
      { onError: (error) => setFormError(applyIpcError(form, error, t)) },
    );
  });

  const toggle = () => {
    setSwitching((s) => !s);
    setFormError(null);
    form.reset();
  };

  return createPortal(
    <Box
      ref={cover}
      data-testid="lock-screen"
      role="dialog"
      aria-modal="true"
      aria-labelledby="lock-title"
      pos="fixed"
      inset={0}
      style={{ zIndex: 10000, overflow: 'auto' }}
      bg="var(--mantine-color-body)"
    >
      <CenteredCard
        title={<span id="lock-title">{t('lock.title')}</span>}
        subtitle={status.clinicName ?? t('app.name')}
      >
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            {switching ? (
              <Text size="sm" data-testid="lock-switch-warning">
                {t('lock.switchIntro', { name: user.displayName })}
              </Text>
            ) : (
              <Text size="sm" data-testid="lock-user">
                {t('lock.intro', { name: user.displayName })}
              </Text>
            )}
            <FormErrorAlert error={formError} testId="lock-error" />
            <CredentialFields form={form} testIdPrefix="lock" withUsername={switching} />
            <Button type="submit" mt="sm" loading={signIn.isPending} data-testid="lock-submit">
              {switching ? t('signIn.submit') : t('lock.unlock')}
            </Button>
            <Anchor component="button" type="button" size="sm" onClick={toggle} data-testid="lock-switch-user">
              {switching ? t('lock.backToUser', { name: user.displayName }) : t('lock.switchUser')}
            </Anchor>
          </Stack>
        </form>
      </CenteredCard>
    </Box>,
    document.body,
  );
}

/**
 * While the lock screen is up, everything else on the page (the shell, and any dialog or menu
 * rendered in a portal) is hidden, unfocusable and silent to screen readers; restored afterwards.
 */
function useHideEverythingElse(cover: React.RefObject<HTMLElement | null>) {
  useEffect(() => {
    const own = cover.current;
    const hidden: { element: HTMLElement; visibility: string; ariaHidden: string | null }[] = [];
    const hide = (node: Node) => {
      if (!(node instanceof HTMLElement) || (own !== null && node.contains(own))) return;
      hidden.push({ element: node, visibility: node.style.visibility, ariaHidden: node.getAttribute('aria-hidden') });
      node.inert = true;
      node.setAttribute('aria-hidden', 'true');
      node.style.visibility = 'hidden';
    };
    Array.from(document.body.children).forEach(hide);
    // A dialog or notification that opens while locked is hidden too.
    const observer = new MutationObserver((changes) => {
      for (const change of changes) change.addedNodes.forEach(hide);
    });
    observer.observe(document.body, { childList: true });
    return () => {
      observer.disconnect();
      for (const { element, visibility, ariaHidden } of hidden) {
        element.inert = false;
        element.style.visibility = visibility;
        if (ariaHidden === null) element.removeAttribute('aria-hidden');
        else element.setAttribute('aria-hidden', ariaHidden);
      }
    };
  }, [cover]);
}

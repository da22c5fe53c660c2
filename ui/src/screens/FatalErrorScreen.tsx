import { Alert, Center, Code, Container, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { toIpcFailure } from '../api/ipc';

interface FatalErrorScreenProps {
  error: unknown;
  /** The error came from rendering (ErrorBoundary), not from the Rust side. */
  render?: boolean;
}

/** Full-screen, terminal error page. Deliberately offers no automatic retry. */
export function FatalErrorScreen({ error, render = false }: FatalErrorScreenProps) {
  const { t } = useTranslation();
  const failure = toIpcFailure(error);
  let hint: string;
  switch (failure.code) {
    case 'key_unavailable':
    case 'wrong_key':
    case 'newer_schema':
      hint = t(`fatal.hint.${failure.code}`);
      break;
    default:
      hint = t('fatal.hint.generic');
  }

  return (
    <Center mih="100vh" p="md">
      <Container size="sm" w="100%">
        <Paper withBorder shadow="sm" p="xl" data-testid="fatal-error" role="alert">
          <Stack gap="md">
            <Title order={1} size="h2">
              {render ? t('fatal.renderTitle') : t('fatal.title')}
            </Title>
            <Text>{render ? hint : t('fatal.intro')}</Text>
            {!render && (
              <Alert color="red" variant="light" title={t(`errors.${failure.code}`)}>
                {hint}
              </Alert>
            )}
            <Stack gap={4}>
              <Text fw={600} size="sm">
                {t('fatal.codeLabel')}
              </Text>
              <Code data-testid="fatal-error-code">{failure.code}</Code>
            </Stack>
            <Stack gap={4}>
              <Text fw={600} size="sm">
                {t('fatal.messageLabel')}
              </Text>
              <Code
                block
                data-testid="fatal-error-message"
                style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
              >
                {failure.message}
              </Code>
            </Stack>
          </Stack>
        </Paper>
      </Container>
    </Center>
  );
}

import { Center, Container, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

interface CenteredCardProps {
  title: ReactNode;
  titleTestId?: string;
  subtitle?: ReactNode;
  children: ReactNode;
  size?: 'xs' | 'sm' | 'md';
}

/** Card centred on the page, for the pre-sign-in screens. */
export function CenteredCard({
  title,
  titleTestId,
  subtitle,
  children,
  size = 'xs',
}: CenteredCardProps) {
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Container size={size} w="100%" component="main">
        <Paper withBorder shadow="sm" p="xl">
          <Stack gap="lg">
            <Stack gap={4}>
              <Title order={1} size="h2" data-testid={titleTestId}>
                {title}
              </Title>
              {subtitle && <Text c="dimmed">{subtitle}</Text>}
            </Stack>
            {children}
          </Stack>
        </Paper>
      </Container>
    </Center>
  );
}

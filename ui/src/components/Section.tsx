import { Stack, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled part of a side panel (a visit's notes, an invoice's payments). */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs">
      <Title order={3} size="h5">
        {title}
      </Title>
      {children}
    </Stack>
  );
}

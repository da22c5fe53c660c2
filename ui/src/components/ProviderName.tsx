import { ColorSwatch, Group, Text } from '@mantine/core';

/** Provider name with their calendar colour as a dot. */
export function ProviderName({ name, color }: { name: string; color: string }) {
  return (
    <Group gap={8} wrap="nowrap">
      <ColorSwatch color={color} size={10} withShadow={false} aria-hidden />
      <Text size="sm" span>
        {name}
      </Text>
    </Group>
  );
}

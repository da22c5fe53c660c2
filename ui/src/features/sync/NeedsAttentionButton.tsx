import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useNeedsAttention } from '../../api/syncQueries';

/**
 * The header's way to Needs attention, on every screen while anything there is the signed-in user's
 * to resolve (what Rust offers them, not the device's whole count).
 */
export function NeedsAttentionButton({ active, onOpen }: { active: boolean; onOpen: () => void }) {
  const { t } = useTranslation();
  const list = useNeedsAttention();
  const count = list.data?.length ?? 0;
  if (count === 0 && !active) return null;
  return (
    <Button
      size="xs"
      color="orange"
      variant={active ? 'filled' : 'light'}
      onClick={onOpen}
      aria-current={active ? 'page' : undefined}
      data-testid="attention-button"
    >
      {count === 0 ? t('attention.title') : t('attention.headerButton', { count })}
    </Button>
  );
}

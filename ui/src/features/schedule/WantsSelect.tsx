import { NativeSelect } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Provider } from '../../api/types';
import { SPECIALTY, wantsProvider } from './wants';

interface WantsSelectProps {
  value: string;
  onChange: (wants: string) => void;
  providers: readonly Provider[];
  error?: string;
  autoFocus?: boolean;
  testId: string;
}

/** Whom the patient wants to see: one provider, or any provider of a specialty, in one select. */
export function WantsSelect({ value, onChange, providers, error, autoFocus = false, testId }: WantsSelectProps) {
  const { t } = useTranslation();
  const specialties = [...new Set(providers.map((p) => p.specialty).filter((s) => s !== ''))].sort();
  return (
    <NativeSelect
      label={t('schedule.waitlist.wants')}
      // The choices may arrive after a dialog opened: autoFocus, not only the focus trap's data-autofocus.
      autoFocus={autoFocus}
      data-autofocus={autoFocus || undefined}
      value={value}
      onChange={(event) => {
        onChange(event.currentTarget.value);
      }}
      data={[
        { value: '', label: t('schedule.waitlist.chooseWantsOption'), disabled: true },
        {
          group: t('schedule.waitlist.providers'),
          items: providers.map((p) => ({ value: wantsProvider(p.id), label: p.displayName })),
        },
        {
          group: t('schedule.waitlist.specialties'),
          items: specialties.map((s) => ({
            value: SPECIALTY + s,
            label: t('schedule.waitlist.anyOfSpecialty', { specialty: s }),
          })),
        },
      ]}
      error={error}
      data-testid={testId}
    />
  );
}

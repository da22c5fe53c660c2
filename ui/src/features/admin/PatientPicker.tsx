import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePatients } from '../../api/queries';

interface PatientPickerProps {
  value: string | null;
  onChange: (patientId: string | null) => void;
  label: string;
  testId: string;
}

/** Picks a patient by typing the start of a name or an MRN. */
export function PatientPicker({ value, onChange, label, testId }: PatientPickerProps) {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), 250);
  const patients = usePatients({
    text: query.length >= 2 ? query : null,
    sort: 'name',
    includeArchived: true,
    offset: 0,
    limit: 20,
  });
  const data = (query.length >= 2 ? (patients.data?.rows ?? []) : []).map((p) => ({
    value: p.id,
    label: `${p.lastName}, ${p.firstName} · ${p.mrn}`,
  }));
  // Keep the chosen patient's label while the search moves on.
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const options = chosen && !data.some((d) => d.value === chosen.value) ? [chosen, ...data] : data;
  return (
    <Select
      label={label}
      placeholder={t('admin.audit.patientPlaceholder')}
      searchable
      clearable
      data={options}
      value={value}
      searchValue={search}
      onSearchChange={setSearch}
      onChange={(id, option) => {
        setChosen(id && option ? { value: option.value, label: option.label } : null);
        onChange(id);
      }}
      nothingFoundMessage={query.length >= 2 ? t('admin.audit.noPatient') : t('admin.audit.typeToSearch')}
      filter={({ options: all }) => all}
      data-testid={testId}
    />
  );
}

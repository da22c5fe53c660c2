import { Alert, Button, Checkbox, Group, Modal, Stack, Text } from '@mantine/core';
import dayjs from 'dayjs';
import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { splitFieldError } from '../../api/formErrors';
import { useExportPatientsCsv } from '../../api/patientQueries';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PathField } from '../../components/PathField';

interface ExportPatientsModalProps {
  opened: boolean;
  onClose: () => void;
}

/** Saves the patient list as CSV where the user chooses, then says where it went. */
export function ExportPatientsModal({ opened, onClose }: ExportPatientsModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('patients.export.title')} size="lg">
      {opened && <ExportForm onClose={onClose} />}
    </Modal>
  );
}

function ExportForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [path, setPath] = useState('');
  const [includeArchived, setIncludeArchived] = useState(false);
  const exporter = useExportPatientsCsv();
  const { fieldError, otherError } = splitFieldError(t, exporter.error, 'path');

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    exporter.mutate({ path: path.trim(), includeArchived });
  };

  if (exporter.data !== undefined) {
    return (
      <Stack>
        <Alert color="teal" variant="light" data-testid="export-saved">
          <Text size="sm" style={{ wordBreak: 'break-all' }}>
            {t('patients.export.saved', { path: exporter.data })}
          </Text>
        </Alert>
        <Group justify="flex-end">
          <Button onClick={onClose} data-autofocus data-testid="export-close">
            {t('patients.export.close')}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <form onSubmit={submit}>
      <Stack>
        <Text size="sm">{t('patients.export.intro')}</Text>
        <PathField
          label={t('patients.export.path')}
          value={path}
          onChange={setPath}
          pick="save-file"
          extension="csv"
          defaultName={`patients-${dayjs().format('YYYY-MM-DD')}.csv`}
          testId="export-path"
          data-autofocus
          error={fieldError}
        />
        <Checkbox
          label={t('patients.export.includeArchived')}
          checked={includeArchived}
          onChange={(event) => {
            setIncludeArchived(event.currentTarget.checked);
          }}
          data-testid="export-include-archived"
        />
        <FormErrorAlert error={otherError} testId="export-error" />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={exporter.isPending} disabled={path.trim() === ''} data-testid="export-save">
            {t('patients.export.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

import { ActionIcon, Button, Group, Modal, NumberInput, Select, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useIssueInvoice, useServices } from '../../api/billingQueries';
import { describeError } from '../../api/errors';
import { useClinicOverview } from '../../api/queries';
import type { PatientRow, Service } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PatientHeader } from '../../components/PatientHeader';
import { useFormatters } from '../../i18n/format';
import { PatientPicker } from '../schedule/PatientPicker';

interface NewInvoiceModalProps {
  opened: boolean;
  onClose: () => void;
  /** The invoice issued, to open it (and take the payment). */
  onIssued: (invoiceId: string) => void;
}

interface Line {
  key: number;
  serviceId: string | null;
  quantity: number | string;
}

/** A new invoice: the patient and the catalog's services; it takes this computer's next number at once. */
export function NewInvoiceModal({ opened, onClose, onIssued }: NewInvoiceModalProps) {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={t('billing.newInvoice')} size="lg">
      {/* Mounted only while open, so each invoice starts from an empty form. */}
      {opened && <NewInvoiceForm onIssued={onIssued} />}
    </Modal>
  );
}

function NewInvoiceForm({ onIssued }: { onIssued: (invoiceId: string) => void }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const services = useServices();
  const issue = useIssueInvoice();
  const [patient, setPatient] = useState<PatientRow | null>(null);
  const [lines, setLines] = useState<Line[]>([{ key: 0, serviceId: null, quantity: 1 }]);
  const [missing, setMissing] = useState<string | null>(null);
  const byId = new Map<string, Service>((services.data ?? []).map((s) => [s.id, s]));
  const options = (services.data ?? []).map((s) => ({ value: s.id, label: `${s.code} · ${s.name}` }));
  const currency = useClinicOverview().data?.currency ?? null;
  const subtotal = lines.reduce((sum, line) => {
    const service = line.serviceId ? byId.get(line.serviceId) : undefined;
    return sum + (service ? service.priceMinor * Number(line.quantity || 0) : 0);
  }, 0);
  const change = (key: number, patch: Partial<Line>) => {
    setLines((all) => all.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  };
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const chosen = lines.filter((l) => l.serviceId !== null);
        if (patient === null || chosen.length === 0) {
          setMissing(patient === null ? t('billing.patientRequired') : t('billing.lineRequired'));
          return;
        }
        setMissing(null);
        issue.mutate(
          {
            patientId: patient.id,
            appointmentId: null,
            lines: chosen.map((l) => ({ serviceId: l.serviceId ?? '', quantity: Number(l.quantity) })),
          },
          {
            onSuccess: (issued) => {
              notifications.show({ color: 'teal', message: t('billing.issuedNumber', { number: issued.number }) });
              onIssued(issued.id);
            },
          },
        );
      }}
    >
      <Stack>
        <FormErrorAlert error={issue.isError ? describeError(t, issue.error) : null} testId="invoice-new-error" />
        <PatientPicker value={patient} onChange={setPatient} autoFocus testId="invoice-patient" />
        {patient && <PatientHeader patientId={patient.id} compact />}
        {lines.map((line, i) => (
          <Group key={line.key} align="flex-end" wrap="nowrap">
            <Select
              label={i === 0 ? t('billing.service') : undefined}
              aria-label={t('billing.service')}
              placeholder={t('billing.servicePlaceholder')}
              data={options}
              value={line.serviceId}
              onChange={(serviceId) => {
                change(line.key, { serviceId });
              }}
              searchable
              style={{ flex: 1 }}
              data-testid="invoice-line-service"
            />
            <NumberInput
              label={i === 0 ? t('billing.quantity') : undefined}
              aria-label={t('billing.quantity')}
              value={line.quantity}
              onChange={(quantity) => {
                change(line.key, { quantity });
              }}
              min={1}
              max={99}
              allowDecimal={false}
              w={90}
              data-testid="invoice-line-quantity"
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              size="lg"
              aria-label={t('billing.removeLine')}
              disabled={lines.length === 1}
              onClick={() => {
                setLines((all) => all.filter((l) => l.key !== line.key));
              }}
            >
              ×
            </ActionIcon>
          </Group>
        ))}
        <Group justify="space-between">
          <Button
            variant="subtle"
            onClick={() => {
              setLines((all) => [...all, { key: Math.max(...all.map((l) => l.key)) + 1, serviceId: null, quantity: 1 }]);
            }}
            data-testid="invoice-line-add"
          >
            {t('billing.addLine')}
          </Button>
          {currency && (
            <Text size="sm" c="dimmed" data-testid="invoice-subtotal">
              {t('billing.beforeTax', { amount: format.money(subtotal, currency) })}
            </Text>
          )}
        </Group>
        {missing && (
          <Text size="sm" c="red" role="alert">
            {missing}
          </Text>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={issue.isPending} data-testid="invoice-issue">
            {t('billing.issue')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

import { Alert, Badge, Button, Group, Loader, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useInvoice, useRecordPayment, useRefundPayment } from '../../api/billingQueries';
import { splitFieldError } from '../../api/formErrors';
import { useCan } from '../../api/permissions';
import type { InvoiceDetails, InvoiceStatus, PaymentEntry, PaymentMethod } from '../../api/types';
import { FormErrorAlert } from '../../components/FormErrorAlert';
import { PatientHeader } from '../../components/PatientHeader';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { PAYMENT_METHODS } from '../../domain';
import { Section } from '../../components/Section';
import { useFormatters } from '../../i18n/format';
import { MoneyInput } from './MoneyInput';
import { fromMinor, toMinor } from './money';

const STATUS_COLORS: Record<InvoiceStatus, string> = { draft: 'gray', issued: 'orange', paid: 'teal', void: 'gray' };

export function InvoiceStatusBadge({ status }: { status: InvoiceStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={STATUS_COLORS[status]} variant="light" data-status={status}>
      {t(`billing.status.${status}`)}
    </Badge>
  );
}

/** One invoice whole: its lines and totals, its payments and refunds, and taking or giving back money. */
export function InvoiceDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const invoice = useInvoice(id);
  if (invoice.isError) return <QueryErrorAlert error={invoice.error} />;
  if (invoice.isPending) return <Loader aria-label={t('app.loading')} />;
  return <InvoiceBody details={invoice.data} />;
}

/** The payment to refund, and how much of it. */
interface Refunding {
  payment: PaymentEntry;
  amountMinor: number;
}

function InvoiceBody({ details }: { details: InvoiceDetails }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const can = useCan();
  const { invoice } = details;
  const { balance, currency } = invoice;
  const money = (minor: number) => format.money(minor, currency);
  const [refunding, setRefunding] = useState<Refunding | null>(null);
  const payments = details.payments.filter((p) => p.kind === 'payment');
  // What was paid beyond the total goes back from the newest payment that still holds it all.
  const refundOverpaid = [...payments].reverse().find((p) => p.refundableMinor >= balance.overpaidMinor);
  return (
    <Stack gap="lg" data-testid="invoice-detail" data-invoice-number={invoice.number}>
      <PatientHeader patientId={invoice.patientId} />
      <Group justify="space-between" align="flex-start">
        <Stack gap={2}>
          <Title order={2} size="h3" ff="monospace" data-testid="invoice-number">
            {invoice.number}
          </Title>
          <Text c="dimmed" size="sm">
            {t('billing.issuedOn', { date: format.dateTime(invoice.issuedAt) })}
          </Text>
        </Stack>
        <InvoiceStatusBadge status={invoice.status} />
      </Group>

      {balance.overpaidMinor > 0 && (
        <Alert color="red" variant="light" title={t('billing.overpaid.title', { amount: money(balance.overpaidMinor) })} data-testid="invoice-overpaid-alert">
          <Stack gap="xs">
            <Text size="sm">{t('billing.overpaid.body', { count: payments.length })}</Text>
            {can('refund') && refundOverpaid && refunding === null && (
              <Group>
                <Button
                  size="xs"
                  color="red"
                  variant="light"
                  onClick={() => {
                    setRefunding({ payment: refundOverpaid, amountMinor: balance.overpaidMinor });
                  }}
                  data-testid="invoice-refund-overpaid"
                >
                  {t('billing.overpaid.refund', { amount: money(balance.overpaidMinor) })}
                </Button>
              </Group>
            )}
          </Stack>
        </Alert>
      )}

      {details.refundedBeyondMinor > 0 && balance.dueMinor > 0 && invoice.status !== 'void' && (
        <Alert
          color="red"
          variant="light"
          title={t('billing.refundedBeyond.title', { amount: money(details.refundedBeyondMinor) })}
          data-testid="invoice-refunded-beyond-alert"
        >
          <Text size="sm">{t('billing.refundedBeyond.body')}</Text>
        </Alert>
      )}

      <Section title={t('billing.lines')}>
        <Table data-testid="invoice-lines">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('billing.service')}</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>{t('billing.quantity')}</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>{t('billing.unitPrice')}</Table.Th>
              <Table.Th style={{ textAlign: 'right' }}>{t('billing.amount')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {details.lines.map((line, i) => (
              <Table.Tr key={`${line.description}-${String(i)}`}>
                <Table.Td>
                  {line.description}
                  {line.taxRateBp > 0 && (
                    <Text span c="dimmed" size="xs">
                      {' '}
                      {t('billing.tax', { rate: format.number(line.taxRateBp / 100) })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{line.quantity}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{money(line.unitPriceMinor)}</Table.Td>
                <Table.Td style={{ textAlign: 'right' }}>{money(line.amountMinor)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Stack gap={2} align="flex-end" data-testid="invoice-totals">
          <Total label={t('billing.total')} value={money(balance.totalMinor)} strong />
          <Total label={t('billing.paid')} value={money(balance.paidMinor)} />
          {balance.overpaidMinor > 0 ? (
            <Total label={t('billing.overpaidLabel')} value={money(balance.overpaidMinor)} color="red.7" strong testId="invoice-overpaid-amount" />
          ) : (
            <Total label={t('billing.due')} value={money(balance.dueMinor)} color={balance.dueMinor > 0 ? 'orange.8' : undefined} strong testId="invoice-due" />
          )}
        </Stack>
      </Section>

      <Section title={t('billing.payments')}>
        {details.payments.length === 0 && <Text c="dimmed">{t('billing.noPayments')}</Text>}
        {details.payments.length > 0 && (
          <Table data-testid="invoice-payments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('billing.when')}</Table.Th>
                <Table.Th>{t('billing.entry')}</Table.Th>
                <Table.Th style={{ textAlign: 'right' }}>{t('billing.amount')}</Table.Th>
                <Table.Th>{t('billing.by')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {details.payments.map((p) => (
                <Table.Tr key={p.id} data-testid="invoice-payment" data-kind={p.kind}>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(p.receivedAt)}</Table.Td>
                  <Table.Td>
                    {t(`billing.kind.${p.kind}`, { method: t(`billing.method.${p.method}`) })}
                    {p.reference && (
                      <Text span c="dimmed" size="xs">
                        {' · '}
                        {p.reference}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td style={{ textAlign: 'right' }} c={p.kind === 'refund' ? 'red.7' : undefined}>
                    {money(p.kind === 'refund' ? -p.amountMinor : p.amountMinor)}
                  </Table.Td>
                  <Table.Td>
                    {p.receivedBy ?? ''}
                    {p.refundedBeyondMinor > 0 && (
                      <Badge color="red" variant="light" ml="xs" data-testid="payment-refunded-beyond">
                        {t('billing.refundedBeyond.badge', { amount: money(p.refundedBeyondMinor) })}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {can('refund') && p.refundableMinor > 0 && invoice.status !== 'void' && (
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={() => {
                          setRefunding({
                            payment: p,
                            amountMinor: Math.min(p.refundableMinor, balance.overpaidMinor || p.refundableMinor),
                          });
                        }}
                        data-testid="payment-refund"
                      >
                        {t('billing.refund')}
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {refunding && (
          <RefundForm
            key={refunding.payment.id}
            refunding={refunding}
            currency={currency}
            onDone={() => {
              setRefunding(null);
            }}
          />
        )}
      </Section>

      {can('edit_billing') && invoice.status === 'issued' && balance.dueMinor > 0 && (
        <Section title={t('billing.takePayment')}>
          <PaymentForm key={`${invoice.id}-${String(balance.dueMinor)}`} invoiceId={invoice.id} dueMinor={balance.dueMinor} currency={currency} />
        </Section>
      )}
    </Stack>
  );
}

function PaymentForm({ invoiceId, dueMinor, currency }: { invoiceId: string; dueMinor: number; currency: string }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const record = useRecordPayment();
  const [method, setMethod] = useState<PaymentMethod>('card');
  const entry = useEntryFields(dueMinor, currency, record.error);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const typed = entry.read();
        if (typed === null) return;
        const { amountMinor } = typed;
        record.mutate(
          { invoiceId, method, ...typed },
          {
            onSuccess: () => {
              notifications.show({ color: 'teal', message: t('billing.paymentTaken', { amount: format.money(amountMinor, currency) }) });
            },
          },
        );
      }}
    >
      <Stack gap="sm">
        <FormErrorAlert error={entry.otherError} testId="payment-error" />
        <Group align="flex-start" grow>
          <Select
            label={t('billing.methodLabel')}
            data={PAYMENT_METHODS.map((m) => ({ value: m, label: t(`billing.method.${m}`) }))}
            value={method}
            onChange={(value) => {
              if (value) setMethod(value);
            }}
            allowDeselect={false}
            data-testid="payment-method"
          />
          <MoneyInput
            label={t('billing.amount')}
            description={t('billing.dueNow', { amount: format.money(dueMinor, currency) })}
            value={entry.amount}
            onChange={entry.setAmount}
            currency={currency}
            error={entry.amountError}
            testId="payment-amount"
          />
        </Group>
        <TextInput
          label={t('billing.reference')}
          placeholder={t('billing.referencePlaceholder')}
          value={entry.reference}
          onChange={(event) => {
            entry.setReference(event.currentTarget.value);
          }}
          data-testid="payment-reference"
        />
        <Group justify="flex-end">
          <Button type="submit" loading={record.isPending} data-testid="payment-take">
            {t('billing.takePayment')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function RefundForm({ refunding, currency, onDone }: { refunding: Refunding; currency: string; onDone: () => void }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const refund = useRefundPayment();
  const { payment } = refunding;
  const entry = useEntryFields(refunding.amountMinor, currency, refund.error);
  return (
    <Paper withBorder p="md" data-testid="refund-form">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const typed = entry.read();
          if (typed === null) return;
          const { amountMinor } = typed;
          refund.mutate(
            { paymentId: payment.id, ...typed },
            {
              onSuccess: () => {
                notifications.show({ color: 'teal', message: t('billing.refunded', { amount: format.money(amountMinor, currency) }) });
                onDone();
              },
            },
          );
        }}
      >
        <Stack gap="sm">
          <Text size="sm" fw={500}>
            {t('billing.refundOf', {
              payment: t(`billing.kind.payment`, { method: t(`billing.method.${payment.method}`) }),
              date: format.dateTime(payment.receivedAt),
            })}
          </Text>
          <FormErrorAlert error={entry.otherError} testId="refund-error" />
          <Group align="flex-start" grow>
            <MoneyInput
              label={t('billing.refundAmount')}
              description={t('billing.refundable', { amount: format.money(payment.refundableMinor, currency) })}
              value={entry.amount}
              onChange={entry.setAmount}
              currency={currency}
              error={entry.amountError}
              testId="refund-amount"
            />
            <TextInput
              label={t('billing.reference')}
              placeholder={t('billing.refundReferencePlaceholder')}
              value={entry.reference}
              onChange={(event) => {
                entry.setReference(event.currentTarget.value);
              }}
              data-testid="refund-reference"
            />
          </Group>
          <Group justify="flex-end">
            <Button variant="default" onClick={onDone}>
              {t('billing.cancel')}
            </Button>
            <Button type="submit" color="red" loading={refund.isPending} data-testid="refund-confirm">
              {t('billing.giveBack')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function Total({ label, value, strong = false, color, testId }: { label: string; value: string; strong?: boolean; color?: string; testId?: string }) {
  return (
    <Group gap="xl" justify="flex-end">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={strong ? 700 : undefined} c={color} miw={110} ta="right" data-testid={testId}>
        {value}
      </Text>
    </Group>
  );
}

/**
 * The amount and reference of a payment or refund being typed. `read` gives the amount in minor units
 * and the reference (none when blank), or puts a message on the amount and gives null.
 */
function useEntryFields(initialMinor: number, currency: string, error: unknown) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState<number | string>(fromMinor(initialMinor, currency));
  const [reference, setReference] = useState('');
  const [typed, setTyped] = useState<string | null>(null);
  const { fieldError, otherError } = splitFieldError(t, error, 'amountMinor');
  const read = () => {
    const amountMinor = toMinor(amount, currency);
    setTyped(amountMinor === null ? t('billing.amountRequired') : null);
    if (amountMinor === null) return null;
    const trimmed = reference.trim();
    return { amountMinor, reference: trimmed === '' ? null : trimmed };
  };
  return { amount, setAmount, reference, setReference, amountError: typed ?? fieldError, otherError, read };
}

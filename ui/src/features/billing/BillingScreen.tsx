import { Badge, Button, Drawer, Group, Loader, Paper, SegmentedControl, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useInvoices } from '../../api/billingQueries';
import { useCan } from '../../api/permissions';
import type { InvoiceFilter, InvoiceRow } from '../../api/types';
import { PageHeader } from '../../components/PageHeader';
import { INVOICE_FILTERS } from '../../domain';
import { QueryErrorAlert } from '../../components/QueryErrorAlert';
import { useFormatters } from '../../i18n/format';
import { InvoiceDetail, InvoiceStatusBadge } from './InvoiceDetail';
import { NewInvoiceModal } from './NewInvoiceModal';

const SHOWN = 100;

/**
 * Billing: the clinic's invoices with what each comes to, what was paid and what is still due. An invoice
 * paid beyond its total (payments taken on two computers while apart) is flagged, and has a list of its own.
 */
export function BillingScreen() {
  const { t } = useTranslation();
  const can = useCan();
  const [show, setShow] = useState<InvoiceFilter>('unpaid');
  const [search, setSearch] = useState('');
  const [text] = useDebouncedValue(search.trim(), 250);
  const invoices = useInvoices({ show, search: text === '' ? null : text, patientId: null, limit: SHOWN });
  const [openId, setOpenId] = useState<string | null>(null);
  const [issuing, setIssuing] = useState(false);
  return (
    <>
      <PageHeader
        title={t('billing.title')}
        subtitle={t('billing.subtitle')}
        actions={
          can('edit_billing') && (
            <Button
              onClick={() => {
                setIssuing(true);
              }}
              data-testid="invoice-new"
            >
              {t('billing.newInvoice')}
            </Button>
          )
        }
      />
      <Group mb="md" gap="md" wrap="wrap">
        <SegmentedControl
          value={show}
          onChange={(value) => {
            setShow(value);
          }}
          data={INVOICE_FILTERS.map((f) => ({ value: f, label: t(`billing.show.${f}`) }))}
          data-testid="invoice-filter"
        />
        <TextInput
          placeholder={t('billing.searchPlaceholder')}
          aria-label={t('billing.search')}
          value={search}
          onChange={(event) => {
            setSearch(event.currentTarget.value);
          }}
          w={320}
          data-testid="invoice-search"
        />
      </Group>
      {invoices.isError && <QueryErrorAlert error={invoices.error} />}
      {invoices.isPending && (
        <Group justify="center" p="xl">
          <Loader aria-label={t('app.loading')} />
        </Group>
      )}
      {invoices.data && (
        <Paper withBorder>
          <Table.ScrollContainer minWidth={820}>
            <Table striped highlightOnHover data-testid="invoices-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('billing.number')}</Table.Th>
                  <Table.Th>{t('billing.issued')}</Table.Th>
                  <Table.Th>{t('billing.patient')}</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>{t('billing.total')}</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>{t('billing.paid')}</Table.Th>
                  <Table.Th>{t('billing.balance')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invoices.data.rows.map((invoice) => (
                  <InvoiceListRow
                    key={invoice.id}
                    invoice={invoice}
                    onOpen={() => {
                      setOpenId(invoice.id);
                    }}
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {invoices.data.rows.length === 0 && (
            <Text c="dimmed" p="lg" data-testid="invoices-empty">
              {t(`billing.empty.${show}`)}
            </Text>
          )}
          {invoices.data.more && (
            <Text c="dimmed" size="sm" p="sm">
              {t('billing.more', { count: SHOWN })}
            </Text>
          )}
        </Paper>
      )}
      <Drawer
        opened={openId !== null}
        onClose={() => {
          setOpenId(null);
        }}
        position="right"
        size="xl"
        title={t('billing.invoice')}
      >
        {openId && <InvoiceDetail id={openId} />}
      </Drawer>
      <NewInvoiceModal
        opened={issuing}
        onClose={() => {
          setIssuing(false);
        }}
        onIssued={(id) => {
          setIssuing(false);
          setOpenId(id);
        }}
      />
    </>
  );
}

function InvoiceListRow({ invoice, onOpen }: { invoice: InvoiceRow; onOpen: () => void }) {
  const { t } = useTranslation();
  const format = useFormatters();
  const { balance, currency } = invoice;
  return (
    <Table.Tr data-testid="invoice-row" data-invoice-number={invoice.number}>
      <Table.Td ff="monospace">{invoice.number}</Table.Td>
      <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(invoice.issuedAt)}</Table.Td>
      <Table.Td>
        {invoice.patientName}{' '}
        <Text span c="dimmed" size="sm">
          {invoice.patientMrn}
        </Text>
      </Table.Td>
      <Table.Td style={{ textAlign: 'right' }}>{format.money(balance.totalMinor, currency)}</Table.Td>
      <Table.Td style={{ textAlign: 'right' }}>{format.money(balance.paidMinor, currency)}</Table.Td>
      <Table.Td>
        {balance.overpaidMinor > 0 ? (
          <Badge color="red" variant="filled" data-testid="invoice-overpaid">
            {t('billing.overpaidBy', { amount: format.money(balance.overpaidMinor, currency) })}
          </Badge>
        ) : balance.dueMinor > 0 && invoice.status !== 'void' ? (
          <Text size="sm" c="orange.8" fw={600}>
            {t('billing.dueAmount', { amount: format.money(balance.dueMinor, currency) })}
          </Text>
        ) : (
          <InvoiceStatusBadge status={invoice.status} />
        )}
      </Table.Td>
      <Table.Td>
        <Button size="xs" variant="light" onClick={onOpen} data-testid="invoice-open">
          {t('billing.open')}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

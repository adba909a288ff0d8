import {
  Badge,
  Button,
  Group,
  Paper,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, type StaffRole } from '../api.js';
import { formatDate, Loading, Problem, StatusBadge, useAction, useLoad } from './common.js';

/** A customer as the API gives it to this role: what the role may not see is absent, not blanked. */
type Customer = Record<string, unknown> & {
  id: string;
  addresses?: Record<string, unknown>[];
};

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '—';

/** The customer fields in display order; a field the answer lacks is not shown at all. */
const CUSTOMER_FIELDS = ['firstName', 'lastName', 'email', 'phone', 'company', 'dateOfBirth', 'createdAt'];
const FIELD_LABELS: Record<string, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'Email',
  phone: 'Phone',
  company: 'Company',
  dateOfBirth: 'Date of birth',
  createdAt: 'Customer since',
};

function CustomerCard({ customer }: { customer: Customer }) {
  const { t, i18n } = useTranslation();
  const shown = CUSTOMER_FIELDS.filter((f) => f in customer);
  return (
    <Paper withBorder p="md" data-testid="customer">
      <Title order={3} size="h4" mb="sm">
        {[customer.firstName, customer.lastName].filter(Boolean).join(' ')}
      </Title>
      <Table variant="vertical" withTableBorder>
        <Table.Tbody>
          {shown.map((f) => (
            <Table.Tr key={f} data-field={f}>
              <Table.Th w={180}>{t(FIELD_LABELS[f])}</Table.Th>
              <Table.Td>
                {f === 'createdAt' ? formatDate(customer[f] as string, i18n.language) : text(customer[f])}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {customer.addresses && customer.addresses.length > 0 && (
        <>
          <Title order={4} size="h5" mt="md" mb="xs">
            {t('Addresses')}
          </Title>
          {customer.addresses.map((a, i) => (
            <Text key={typeof a.id === 'string' ? a.id : i} size="sm">
              {[a.street, a.houseNumber, a.postalCode, a.city, a.country]
                .filter(Boolean)
                .map(String)
                .join(' ')}
            </Text>
          ))}
        </>
      )}
      <Text size="xs" c="dimmed" mt="sm">
        {t('Fields your role may not see are not sent by the server.')}
      </Text>
    </Paper>
  );
}

function Customers({ role }: { role: StaffRole }) {
  const { t } = useTranslation();
  const [term, setTerm] = useState('');
  const [results, setResults] = useState<Customer[] | null>(null);
  const [selected, setSelected] = useState<Customer | null>(null);
  const action = useAction();

  async function search(event: FormEvent) {
    event.preventDefault();
    setSelected(null);
    await action.run(async () => {
      const page = await post<{ items: Customer[] }>('/api/v1/admin/customers/search', { query: term });
      setResults(page.items);
    });
  }

  return (
    <Stack>
      <Group component="form" onSubmit={(e: FormEvent) => void search(e)} align="end">
        <TextInput
          label={role === 'fulfilment' ? t('Name or customer id') : t('Name, email or customer id')}
          value={term}
          onChange={(e) => setTerm(e.currentTarget.value)}
          required
          w={360}
        />
        <Button type="submit" loading={action.busy}>
          {t('Search')}
        </Button>
      </Group>
      <Problem error={action.error} />
      {results?.length === 0 && <Text c="dimmed">{t('No customer found.')}</Text>}
      {results && results.length > 0 && (
        <Table highlightOnHover>
          <Table.Tbody>
            {results.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>{[c.firstName, c.lastName].filter(Boolean).map(String).join(' ')}</Table.Td>
                <Table.Td>{typeof c.email === 'string' ? c.email : ''}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="light"
                    onClick={() =>
                      void action.run(async () =>
                        setSelected(await get<Customer>(`/api/v1/admin/customers/${c.id}`)),
                      )
                    }
                  >
                    {t('Open')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {selected && <CustomerCard customer={selected} />}
    </Stack>
  );
}

interface InquirySummary {
  id: string;
  status: string;
  productSku: string | null;
  answerCount: number;
  createdAt: string;
}
interface Inquiry extends InquirySummary {
  name: string;
  email: string;
  company: string | null;
  phone: string | null;
  message: string;
  answers: { id: string; text: string; createdAt: string; deliveredAt: string | null }[];
}

function InquiryDetail({ id, onDone }: { id: string; onDone: () => void }) {
  const { t, i18n } = useTranslation();
  const [version, setVersion] = useState(0);
  const inquiry = useLoad(() => get<Inquiry>(`/api/v1/admin/inquiries/${id}`), [id, version]);
  const [text, setText] = useState('');
  const action = useAction();
  const q = inquiry.data;
  return (
    <Paper withBorder p="md" data-testid="inquiry-detail">
      <Problem error={inquiry.error ?? action.error} />
      <Loading loading={inquiry.loading && !q} />
      {q && (
        <Stack>
          <Group>
            <Title order={3} size="h4">
              {q.name}
            </Title>
            <StatusBadge status={q.status} />
          </Group>
          <Text size="sm">
            {q.email}
            {q.phone ? ` · ${q.phone}` : ''}
            {q.company ? ` · ${q.company}` : ''}
          </Text>
          <Paper bg="gray.0" p="sm">
            <Text style={{ whiteSpace: 'pre-wrap' }}>{q.message}</Text>
          </Paper>
          {q.answers.map((a) => (
            <Paper key={a.id} withBorder p="sm" data-testid="inquiry-answer">
              <Text size="xs" c="dimmed">
                {formatDate(a.createdAt, i18n.language)} · {a.deliveredAt ? t('sent') : t('not sent yet')}
              </Text>
              <Text style={{ whiteSpace: 'pre-wrap' }}>{a.text}</Text>
            </Paper>
          ))}
          {q.status !== 'closed' && (
            <>
              <Textarea
                label={t('Answer')}
                autosize
                minRows={4}
                value={text}
                onChange={(e) => setText(e.currentTarget.value)}
              />
              <Group>
                <Button
                  disabled={!text.trim()}
                  loading={action.busy}
                  onClick={() =>
                    void action
                      .run(() => post(`/api/v1/admin/inquiries/${id}/answer`, { text }))
                      .then((ok) => {
                        if (ok) {
                          setText('');
                          setVersion((v) => v + 1);
                        }
                      })
                  }
                >
                  {t('Send answer')}
                </Button>
                <Button
                  variant="default"
                  loading={action.busy}
                  onClick={() =>
                    void action
                      .run(() => post(`/api/v1/admin/inquiries/${id}/close`))
                      .then((ok) => ok && onDone())
                  }
                >
                  {t('Close inquiry')}
                </Button>
              </Group>
            </>
          )}
        </Stack>
      )}
    </Paper>
  );
}

function Inquiries() {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  const list = useLoad(() => get<{ items: InquirySummary[] }>('/api/v1/admin/inquiries'), [open]);
  return (
    <Stack>
      <Problem error={list.error} />
      <Loading loading={list.loading} />
      {list.data?.items.length === 0 && <Text c="dimmed">{t('No open inquiry.')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('Received')}</Table.Th>
              <Table.Th>{t('Status')}</Table.Th>
              <Table.Th>{t('Product')}</Table.Th>
              <Table.Th>{t('Answers')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((q) => (
              <Table.Tr key={q.id}>
                <Table.Td>{formatDate(q.createdAt, i18n.language)}</Table.Td>
                <Table.Td>
                  <StatusBadge status={q.status} />
                </Table.Td>
                <Table.Td>{q.productSku ?? '—'}</Table.Td>
                <Table.Td>
                  <Badge variant="light">{q.answerCount}</Badge>
                </Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" onClick={() => setOpen(q.id)}>
                    {t('Open')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {open && <InquiryDetail id={open} onDone={() => setOpen(null)} />}
    </Stack>
  );
}

export function SupportScreen({ role }: { role: StaffRole }) {
  const { t } = useTranslation();
  return (
    <Tabs defaultValue="customers" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="customers">{t('Customers')}</Tabs.Tab>
        <Tabs.Tab value="inquiries">{t('Inquiries')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="customers" pt="md">
        <Customers role={role} />
      </Tabs.Panel>
      <Tabs.Panel value="inquiries" pt="md">
        <Inquiries />
      </Tabs.Panel>
    </Tabs>
  );
}

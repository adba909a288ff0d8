import {
  Accordion,
  Alert,
  Badge,
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
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
import { get, post, query, request, type StaffRole } from '../api.js';
import { DataMap, type RecordActivity } from './DataMap.js';
import { formatDate, formatDay, Loading, Problem, StatusBadge, useAction, useLoad } from './common.js';

interface QueuedRequest {
  id: string;
  type: string;
  status: string;
  channel: string;
  receivedAt: string;
  dueAt: string;
  extended: boolean;
  overdue: boolean;
  lastError: string | null;
  recipientsWithoutChannel: number;
}

interface RequestDetail {
  request: QueuedRequest & { outcome: Record<string, unknown> };
  identityCheck: string | null;
  events: { at: string; step: string; actorType: string }[];
  recipients: { recipient?: string; name?: string; status?: string }[];
}

interface AccessAnswer {
  purposes: { activity: string; name: string; legalBasis: string }[];
  categories: { id: string; description: string }[];
  recipients: {
    actual: {
      occurredAt: string;
      recipient: string;
      name: string;
      activity: string;
      fields: string[];
      outcome: string;
    }[];
    declared: { activity: string; name: string; country: string }[];
  };
}

type RecordResult = {
  request: QueuedRequest;
  result: { type: string; answer?: AccessAnswer } & Record<string, unknown>;
};

/** Overdue first, then by the deadline in force (the API sorts by deadline; overdue ones come to the top). */
export const byUrgency = (a: QueuedRequest, b: QueuedRequest): number =>
  Number(b.overdue) - Number(a.overdue) || Date.parse(a.dueAt) - Date.parse(b.dueAt);

/** Who received the person's data: the disclosure log as the Art. 15 answer reports it. */
function Disclosures({ answer }: { answer: AccessAnswer }) {
  const { t, i18n } = useTranslation();
  return (
    <Paper withBorder p="md" data-testid="disclosures">
      <Title order={4} size="h5" mb="xs">
        {t('Who received the data (disclosure log)')}
      </Title>
      {answer.recipients.actual.length === 0 ? (
        <Text c="dimmed">{t('No disclosure is logged for this person.')}</Text>
      ) : (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('When')}</Table.Th>
              <Table.Th>{t('Recipient')}</Table.Th>
              <Table.Th>{t('Activity')}</Table.Th>
              <Table.Th>{t('Fields')}</Table.Th>
              <Table.Th>{t('Outcome')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {answer.recipients.actual.map((d, i) => (
              <Table.Tr key={i}>
                <Table.Td>{formatDate(d.occurredAt, i18n.language)}</Table.Td>
                <Table.Td>{d.name}</Table.Td>
                <Table.Td>{d.activity}</Table.Td>
                <Table.Td>{d.fields.join(', ')}</Table.Td>
                <Table.Td>{d.outcome}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

function AnswerPreview({ answer }: { answer: AccessAnswer }) {
  const { t } = useTranslation();
  return (
    <Stack data-testid="answer-preview">
      <Paper withBorder p="md">
        <Title order={4} size="h5" mb="xs">
          {t('Purposes and legal bases')}
        </Title>
        {answer.purposes.map((p) => (
          <Text key={p.activity} size="sm">
            {p.name}: {p.legalBasis}
          </Text>
        ))}
        <Title order={4} size="h5" mt="md" mb="xs">
          {t('Categories of data')}
        </Title>
        <Text size="sm">{answer.categories.map((c) => c.id).join(', ')}</Text>
      </Paper>
      <Disclosures answer={answer} />
    </Stack>
  );
}

/** A request received by letter, phone or email, recorded with how the identity was checked. */
function RecordRequest({ onRecorded }: { onRecorded: () => void }) {
  const { t } = useTranslation();
  const [type, setType] = useState<string | null>('access');
  const [email, setEmail] = useState('');
  const [via, setVia] = useState<string | null>('letter');
  const [receivedAt, setReceivedAt] = useState(new Date().toISOString().slice(0, 10));
  const [identityCheck, setIdentityCheck] = useState('');
  const [result, setResult] = useState<RecordResult | null>(null);
  const action = useAction();

  async function submit(event: FormEvent) {
    event.preventDefault();
    await action.run(async () => {
      setResult(
        await post<RecordResult>('/api/v1/admin/privacy/requests', {
          type,
          email,
          receivedVia: via,
          receivedAt: new Date(`${receivedAt}T00:00:00Z`).toISOString(),
          identityCheck,
        }),
      );
      onRecorded();
    });
  }

  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="sm">
        {t('Record and answer a request received by letter, phone or email')}
      </Title>
      <Stack component="form" onSubmit={(e: FormEvent) => void submit(e)}>
        <div className="grid grid-2">
          <Select
            label={t('Type')}
            value={type}
            onChange={setType}
            allowDeselect={false}
            data={['access', 'portability', 'erasure', 'restriction', 'objection'].map((v) => ({
              value: v,
              label: t(v),
            }))}
          />
          <Select
            label={t('Received via')}
            value={via}
            onChange={setVia}
            allowDeselect={false}
            data={['letter', 'phone', 'staff-email'].map((v) => ({ value: v, label: t(v) }))}
          />
          <TextInput
            label={t('Email address the shop holds for the person')}
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
          />
          <TextInput
            label={t('Received on')}
            type="date"
            required
            value={receivedAt}
            onChange={(e) => setReceivedAt(e.currentTarget.value)}
          />
        </div>
        <Textarea
          label={t('How the identity was checked')}
          required
          value={identityCheck}
          onChange={(e) => setIdentityCheck(e.currentTarget.value)}
        />
        <Group>
          <Button type="submit" loading={action.busy}>
            {t('Record and answer')}
          </Button>
        </Group>
      </Stack>
      <Problem error={action.error} />
      {result && (
        <Stack mt="md">
          <Alert color="green" role="status">
            {t('Recorded: {{type}}, status {{status}}.', {
              type: t(result.request.type),
              status: t(result.request.status),
            })}
          </Alert>
          {result.result.answer && <AnswerPreview answer={result.result.answer} />}
        </Stack>
      )}
    </Paper>
  );
}

function RequestActions({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const [months, setMonths] = useState<number | string>(1);
  const [extensionReason, setExtensionReason] = useState('');
  const [refusal, setRefusal] = useState<string | null>('manifestly-unfounded');
  const [refusalDetail, setRefusalDetail] = useState('');
  const action = useAction();
  return (
    <div className="grid grid-2">
      <Paper withBorder p="sm">
        <Title order={4} size="h6">
          {t('Extend the deadline (Art. 12(3))')}
        </Title>
        <NumberInput label={t('Months')} min={1} max={2} value={months} onChange={setMonths} />
        <Textarea
          label={t('Reason (told to the person)')}
          value={extensionReason}
          onChange={(e) => setExtensionReason(e.currentTarget.value)}
        />
        <Button
          mt="xs"
          loading={action.busy}
          onClick={() =>
            void action
              .run(() =>
                post(`/api/v1/admin/privacy/requests/${id}/extension`, {
                  months: Number(months),
                  reason: extensionReason,
                }),
              )
              .then((ok) => ok && onChanged())
          }
        >
          {t('Extend')}
        </Button>
      </Paper>
      <Paper withBorder p="sm">
        <Title order={4} size="h6">
          {t('Refuse (Art. 12(5))')}
        </Title>
        <Select
          label={t('Reason')}
          value={refusal}
          onChange={setRefusal}
          allowDeselect={false}
          data={['manifestly-unfounded', 'excessive', 'identity-not-established'].map((v) => ({
            value: v,
            label: t(v),
          }))}
        />
        <Textarea
          label={t('Explanation (told to the person)')}
          value={refusalDetail}
          onChange={(e) => setRefusalDetail(e.currentTarget.value)}
        />
        <Button
          mt="xs"
          color="red"
          loading={action.busy}
          onClick={() =>
            void action
              .run(() =>
                post(`/api/v1/admin/privacy/requests/${id}/refusal`, {
                  reason: refusal,
                  detail: refusalDetail,
                }),
              )
              .then((ok) => ok && onChanged())
          }
        >
          {t('Refuse')}
        </Button>
      </Paper>
      <Problem error={action.error} />
    </div>
  );
}

function Requests() {
  const { t, i18n } = useTranslation();
  const [version, setVersion] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const queue = useLoad(
    async () => (await get<QueuedRequest[]>('/api/v1/admin/privacy/requests')).sort(byUrgency),
    [version],
  );
  const detail = useLoad(
    async () => (open ? get<RequestDetail>(`/api/v1/admin/privacy/requests/${open}`) : null),
    [open, version],
  );
  const refresh = () => setVersion((v) => v + 1);
  return (
    <Stack>
      <Problem error={queue.error} />
      <Loading loading={queue.loading} />
      {queue.data?.length === 0 && <Text c="dimmed">{t('No open request.')}</Text>}
      {queue.data && queue.data.length > 0 && (
        <Table data-testid="request-queue">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('Due')}</Table.Th>
              <Table.Th>{t('Type')}</Table.Th>
              <Table.Th>{t('Status')}</Table.Th>
              <Table.Th>{t('Received')}</Table.Th>
              <Table.Th>{t('Channel')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {queue.data.map((r) => (
              <Table.Tr key={r.id} data-overdue={r.overdue ? 'true' : 'false'}>
                <Table.Td>
                  {formatDay(r.dueAt, i18n.language)} {r.overdue && <Badge color="red">{t('overdue')}</Badge>}
                  {r.extended && <Badge variant="light">{t('extended')}</Badge>}
                </Table.Td>
                <Table.Td>{t(r.type)}</Table.Td>
                <Table.Td>
                  <StatusBadge status={r.status} />
                </Table.Td>
                <Table.Td>{formatDay(r.receivedAt, i18n.language)}</Table.Td>
                <Table.Td>{t(r.channel)}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" onClick={() => setOpen(r.id)}>
                    {t('Open')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {open && detail.data && (
        <Paper withBorder p="md" data-testid="request-detail">
          <Group mb="sm">
            <Title order={3} size="h5">
              {t(detail.data.request.type)}
            </Title>
            <StatusBadge status={detail.data.request.status} />
            <Text size="sm">
              {t('Due')}: {formatDay(detail.data.request.dueAt, i18n.language)}
            </Text>
          </Group>
          {detail.data.identityCheck && (
            <Text size="sm">
              {t('Identity check')}: {detail.data.identityCheck}
            </Text>
          )}
          <Title order={4} size="h6" mt="sm">
            {t('Steps')}
          </Title>
          {detail.data.events.map((e, i) => (
            <Text key={i} size="sm">
              {formatDate(e.at, i18n.language)} — {t(e.step)} ({e.actorType})
            </Text>
          ))}
          {detail.data.recipients.length > 0 && (
            <>
              <Title order={4} size="h6" mt="sm">
                {t('Recipients told (Art. 19)')}
              </Title>
              {detail.data.recipients.map((r, i) => (
                <Text key={i} size="sm">
                  {r.name ?? r.recipient}: {r.status}
                </Text>
              ))}
            </>
          )}
          {['received', 'awaiting-verification', 'awaiting-confirmation', 'scheduled'].includes(
            detail.data.request.status,
          ) && <RequestActions id={open} onChanged={refresh} />}
        </Paper>
      )}
      <Problem error={detail.error} />
      <RecordRequest onRecorded={refresh} />
    </Stack>
  );
}

interface Art30 {
  title: string;
  legalReference: string;
  generatedAt: string;
  controller: { name: string; address: string; contact: string };
  activities: (RecordActivity & {
    purposes: string[];
    dataSubjects: string[];
    legalBasis: { article: string; description: string };
    retention: { summary: string }[];
  })[];
}

function Record({ record }: { record: Art30 }) {
  const { t, i18n } = useTranslation();
  return (
    <Stack>
      <Title order={2} size="h4">
        {record.title}
      </Title>
      <Text size="sm">
        {record.legalReference} · {t('generated')} {formatDate(record.generatedAt, i18n.language)}
      </Text>
      <Text size="sm">
        {record.controller.name}, {record.controller.address}, {record.controller.contact}
      </Text>
      <Accordion multiple variant="separated">
        {record.activities.map((a) => (
          <Accordion.Item key={a.id} value={a.id}>
            <Accordion.Control>
              {a.name} <Badge variant="light">{a.legalBasis.article}</Badge>
            </Accordion.Control>
            <Accordion.Panel>
              <Table variant="vertical">
                <Table.Tbody>
                  <Table.Tr>
                    <Table.Th w={220}>{t('Purposes')}</Table.Th>
                    <Table.Td>{a.purposes.join('; ')}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('Legal basis')}</Table.Th>
                    <Table.Td>
                      {a.legalBasis.article}: {a.legalBasis.description}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('Data subjects')}</Table.Th>
                    <Table.Td>{a.dataSubjects.join(', ')}</Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('Data categories')}</Table.Th>
                    <Table.Td>
                      {a.dataCategories.map((c) => (
                        <div key={c.id}>
                          {c.special && <Badge color="red">Art. 9</Badge>} {c.id}: {c.description}
                        </div>
                      ))}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('Recipients')}</Table.Th>
                    <Table.Td>
                      {[...a.recipients, ...a.processors].map((r) => r.name).join(', ') || '—'}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('Third-country transfers')}</Table.Th>
                    <Table.Td>
                      {a.thirdCountryTransfers
                        .map((x) => `${x.recipient} (${x.country}, ${x.mechanism ?? '—'})`)
                        .join(', ') || '—'}
                    </Table.Td>
                  </Table.Tr>
                  <Table.Tr>
                    <Table.Th>{t('Erasure')}</Table.Th>
                    <Table.Td>{a.retention.map((r) => r.summary).join('; ')}</Table.Td>
                  </Table.Tr>
                </Table.Tbody>
              </Table>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Stack>
  );
}

function RecordAndMap({ show }: { show: 'record' | 'map' }) {
  const record = useLoad(() => get<Art30>('/api/v1/admin/privacy/record?format=json'), []);
  return (
    <Stack>
      <Problem error={record.error} />
      <Loading loading={record.loading} />
      {record.data &&
        (show === 'record' ? (
          <Record record={record.data} />
        ) : (
          <DataMap activities={record.data.activities} />
        ))}
    </Stack>
  );
}

interface LegalHold {
  id: string;
  scope: { activityId?: string; subjectId?: string; recordType?: string; from?: string; to?: string };
  reason: string;
  status?: string;
  createdAt?: string;
  releasedAt?: string | null;
}

function LegalHolds() {
  const { t, i18n } = useTranslation();
  const [version, setVersion] = useState(0);
  const holds = useLoad(() => get<{ items: LegalHold[] }>('/api/v1/admin/privacy/legal-holds'), [version]);
  const [activityId, setActivityId] = useState('');
  const [subjectId, setSubjectId] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction();
  const refresh = () => setVersion((v) => v + 1);
  return (
    <Stack>
      <Problem error={holds.error ?? action.error} />
      <Loading loading={holds.loading} />
      {holds.data?.items.length === 0 && <Text c="dimmed">{t('No legal hold.')}</Text>}
      {holds.data && holds.data.items.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('Scope')}</Table.Th>
              <Table.Th>{t('Reason')}</Table.Th>
              <Table.Th>{t('Placed')}</Table.Th>
              <Table.Th>{t('Released')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {holds.data.items.map((h) => (
              <Table.Tr key={h.id}>
                <Table.Td>
                  {Object.entries(h.scope)
                    .filter(([, v]) => v)
                    .map(([k, v]) => `${k}: ${String(v)}`)
                    .join(', ')}
                </Table.Td>
                <Table.Td>{h.reason}</Table.Td>
                <Table.Td>{formatDate(h.createdAt, i18n.language)}</Table.Td>
                <Table.Td>{formatDate(h.releasedAt, i18n.language)}</Table.Td>
                <Table.Td>
                  {!h.releasedAt && (
                    <Button
                      size="xs"
                      variant="default"
                      onClick={() =>
                        void action
                          .run(() => request('DELETE', `/api/v1/admin/privacy/legal-holds/${h.id}`))
                          .then(refresh)
                      }
                    >
                      {t('Release')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs">
          {t('Place a legal hold')}
        </Title>
        <div className="grid grid-3">
          <TextInput
            label={t('Activity id')}
            value={activityId}
            onChange={(e) => setActivityId(e.currentTarget.value)}
          />
          <TextInput
            label={t('Subject id')}
            value={subjectId}
            onChange={(e) => setSubjectId(e.currentTarget.value)}
          />
          <TextInput label={t('Reason')} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        </div>
        <Button
          mt="sm"
          loading={action.busy}
          onClick={() =>
            void action
              .run(() =>
                post('/api/v1/admin/privacy/legal-holds', {
                  scope: {
                    ...(activityId ? { activityId } : {}),
                    ...(subjectId ? { subjectId } : {}),
                  },
                  reason,
                }),
              )
              .then((ok) => ok && refresh())
          }
        >
          {t('Place hold')}
        </Button>
      </Paper>
    </Stack>
  );
}

function AuditChain() {
  const { t } = useTranslation();
  const [result, setResult] = useState<{
    valid: boolean;
    rows: number;
    firstBroken?: { seq: string; problem: string };
    head?: { seq: string; hash: string };
  } | null>(null);
  const action = useAction();
  return (
    <Stack>
      <Group>
        <Button
          loading={action.busy}
          onClick={() => void action.run(async () => setResult(await get('/api/v1/admin/audit/verify')))}
        >
          {t('Verify the audit chain')}
        </Button>
      </Group>
      <Problem error={action.error} />
      {result && (
        <Alert color={result.valid ? 'green' : 'red'} role="status" data-testid="audit-result">
          {result.valid
            ? t('The chain is intact: {{rows}} entries checked.', { rows: result.rows })
            : t('The chain is broken at entry {{seq}}: {{problem}}', {
                seq: result.firstBroken?.seq,
                problem: result.firstBroken?.problem,
              })}
          {result.head && (
            <Text size="xs" mt="xs">
              {t('Head')}: #{result.head.seq} {result.head.hash}
            </Text>
          )}
        </Alert>
      )}
    </Stack>
  );
}

interface LoggedDisclosure {
  occurredAt: string;
  recipientId: string;
  activityId: string;
  fields: string[];
  outcome: string;
}

/**
 * Who received a person's data: find the customer (the staff customer search), or enter the opaque
 * subject id of a guest, then read the disclosure log. Only subject ids travel in the URL, never an
 * email; the API records each read in the access audit log.
 */
function DisclosureLog() {
  const { t, i18n } = useTranslation();
  const [term, setTerm] = useState('');
  const [customers, setCustomers] = useState<
    { id: string; firstName?: string; lastName?: string; email?: string }[] | null
  >(null);
  const [subjectId, setSubjectId] = useState('');
  const [log, setLog] = useState<{ subjectId: string; items: LoggedDisclosure[] } | null>(null);
  const action = useAction();

  const show = (subject: string) =>
    void action.run(async () => {
      setLog(
        await get<{ subjectId: string; items: LoggedDisclosure[] }>(
          `/api/v1/admin/privacy/disclosures${query({ subjectId: subject })}`,
        ),
      );
    });

  return (
    <Stack>
      <div className="grid grid-2">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              setLog(null);
              setCustomers(
                (
                  await post<{
                    items: { id: string; firstName?: string; lastName?: string; email?: string }[];
                  }>('/api/v1/admin/customers/search', { query: term.trim() })
                ).items,
              );
            });
          }}
        >
          <Group align="end">
            <TextInput
              label={t('Find a customer (name or email)')}
              value={term}
              onChange={(e) => setTerm(e.currentTarget.value)}
            />
            <Button type="submit" loading={action.busy}>
              {t('Search')}
            </Button>
          </Group>
        </form>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            show(subjectId.trim());
          }}
        >
          <Group align="end">
            <TextInput
              label={t('or a subject id (customer:…, guest:…)')}
              value={subjectId}
              onChange={(e) => setSubjectId(e.currentTarget.value)}
            />
            <Button type="submit" variant="default" loading={action.busy}>
              {t('Show disclosures')}
            </Button>
          </Group>
        </form>
      </div>
      <Problem error={action.error} />
      {customers?.length === 0 && <Text c="dimmed">{t('No customer found.')}</Text>}
      {customers && customers.length > 0 && !log && (
        <Table>
          <Table.Tbody>
            {customers.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>{[c.firstName, c.lastName].filter(Boolean).join(' ')}</Table.Td>
                <Table.Td>{c.email}</Table.Td>
                <Table.Td>
                  <Button size="xs" onClick={() => show(`customer:${c.id}`)}>
                    {t('Show disclosures')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {log && (
        <Paper withBorder p="md" data-testid="disclosure-log">
          <Title order={4} size="h5" mb="xs">
            {t('Who received the data (disclosure log)')}: {log.subjectId}
          </Title>
          {log.items.length === 0 ? (
            <Text c="dimmed">{t('No disclosure is logged for this person.')}</Text>
          ) : (
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('Recipient')}</Table.Th>
                  <Table.Th>{t('Activity')}</Table.Th>
                  <Table.Th>{t('Fields')}</Table.Th>
                  <Table.Th>{t('When')}</Table.Th>
                  <Table.Th>{t('Outcome')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {log.items.map((d, i) => (
                  <Table.Tr key={i} data-testid="disclosure">
                    <Table.Td>{d.recipientId}</Table.Td>
                    <Table.Td>{d.activityId}</Table.Td>
                    <Table.Td>{d.fields.join(', ')}</Table.Td>
                    <Table.Td>{formatDate(d.occurredAt, i18n.language)}</Table.Td>
                    <Table.Td>{t(d.outcome)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Paper>
      )}
    </Stack>
  );
}

export function PrivacyScreen({ role }: { role: StaffRole }) {
  const { t } = useTranslation();
  return (
    <Tabs defaultValue="requests" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="requests">{t('Requests')}</Tabs.Tab>
        <Tabs.Tab value="record">{t('Art. 30 record')}</Tabs.Tab>
        <Tabs.Tab value="map">{t('Data map')}</Tabs.Tab>
        <Tabs.Tab value="holds">{t('Legal holds')}</Tabs.Tab>
        <Tabs.Tab value="audit">{t('Audit chain')}</Tabs.Tab>
        {role === 'privacy-officer' && <Tabs.Tab value="disclosures">{t('Disclosures')}</Tabs.Tab>}
      </Tabs.List>
      <Tabs.Panel value="requests" pt="md">
        <Requests />
      </Tabs.Panel>
      <Tabs.Panel value="record" pt="md">
        <RecordAndMap show="record" />
      </Tabs.Panel>
      <Tabs.Panel value="map" pt="md">
        <RecordAndMap show="map" />
      </Tabs.Panel>
      <Tabs.Panel value="holds" pt="md">
        <LegalHolds />
      </Tabs.Panel>
      <Tabs.Panel value="audit" pt="md">
        <AuditChain />
      </Tabs.Panel>
      <Tabs.Panel value="disclosures" pt="md">
        <DisclosureLog />
      </Tabs.Panel>
    </Tabs>
  );
}

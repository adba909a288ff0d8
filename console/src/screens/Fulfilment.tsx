import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, query } from '../api.js';
import { formatDate, Loading, Problem, StatusBadge, useAction, useLoad } from './common.js';

interface Address {
  firstName?: string;
  lastName?: string;
  company?: string | null;
  street?: string;
  houseNumber?: string;
  addressLine2?: string | null;
  postalCode?: string;
  city?: string;
  country?: string;
}

/** An order as the API gives it to this role: fields the role may not see are simply absent. */
interface StaffOrder {
  id: string;
  number: string;
  status: string;
  createdAt?: string;
  items?: {
    lineNo?: number;
    sku: string;
    name: string;
    quantity: number;
    tracksSerials?: boolean;
    serials?: string[];
  }[];
  deliveryAddress?: Address;
}

type Item = NonNullable<StaffOrder['items']>[number];

/** A GS1 UDI is printed with its application identifiers in brackets, a HIBCC one starts with `+`. */
const serialKind = (value: string): 'udi' | 'serial' => (/^[(+]/.test(value.trim()) ? 'udi' : 'serial');

/** Pieces of device lines still without a serial number. */
const missingSerials = (items: Item[] | undefined): number =>
  (items ?? []).reduce(
    (n, i) => n + (i.tracksSerials ? Math.max(i.quantity - (i.serials?.length ?? 0), 0) : 0),
    0,
  );

/**
 * One scan field per piece of a device line (a hand scanner types the code and sends Enter, which
 * submits it). Scanned pieces show their serial; the API's problem+json is shown when it refuses one.
 */
function SerialScan({ orderId, item, onScanned }: { orderId: string; item: Item; onScanned: () => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const action = useAction();
  const scanned = item.serials ?? [];
  const left = Math.max(item.quantity - scanned.length, 0);

  async function submit() {
    const serial = value.trim();
    if (!serial || item.lineNo === undefined) return;
    const ok = await action.run(() =>
      post(`/api/v1/admin/orders/${orderId}/serials`, {
        lines: [{ lineNo: item.lineNo, serials: [{ value: serial, kind: serialKind(serial) }] }],
      }),
    );
    if (ok) {
      setValue('');
      onScanned();
    }
  }

  return (
    <Stack gap={4} data-testid="serial-scan">
      <Text size="sm" fw={500}>
        {t('Serial numbers of {{sku}}', { sku: item.sku })} ({scanned.length}/{item.quantity})
      </Text>
      {scanned.map((serial, n) => (
        <Text key={serial} size="sm" data-testid="scanned-serial">
          {t('Piece {{n}}', { n: n + 1 })}: {serial}
        </Text>
      ))}
      {left > 0 && (
        <TextInput
          label={t('Scan the serial number of piece {{n}} of {{sku}}', {
            n: scanned.length + 1,
            sku: item.sku,
          })}
          value={value}
          autoComplete="off"
          spellCheck={false}
          readOnly={action.busy}
          onChange={(e) => setValue(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void submit();
            }
          }}
        />
      )}
      <Problem error={action.error} />
    </Stack>
  );
}

interface Shipment {
  id: string;
  orderId: string;
  orderNumber: string;
  carrier: string;
  status: string;
  trackingNumber: string | null;
  attempts: number;
  attemptLimit: number;
  lastError: string | null;
  deadLetteredAt: string | null;
  createdAt: string;
}

interface Tracking {
  carrier: string;
  trackingNumber: string;
  state: string;
  at?: string;
}

const QUEUE_STATUSES = ['paid', 'picking', 'packed', 'partially_shipped', 'handed_to_carrier'] as const;

/** The next move of the packing bench from each status (the state machine's staff targets for fulfilment). */
const NEXT: Record<string, { to: string; label: string } | undefined> = {
  paid: { to: 'picking', label: 'Start picking' },
  picking: { to: 'packed', label: 'Mark as packed' },
  packed: { to: 'handed_to_carrier', label: 'Hand to carrier' },
  handed_to_carrier: { to: 'delivered', label: 'Mark as delivered' },
};

/**
 * Packs the lines that are ready as a parcel of their own (its own tracking number) while the order is
 * picked or partially shipped; the API refuses more pieces than are left (400 naming the line).
 */
function ParcelPacker({
  orderId,
  items,
  onPacked,
}: {
  orderId: string;
  items: Item[];
  onPacked: () => void;
}) {
  const { t } = useTranslation();
  const [pieces, setPieces] = useState<Record<number, number>>({});
  const action = useAction();
  const lines = items
    .filter((i) => i.lineNo !== undefined && (pieces[i.lineNo] ?? 0) > 0)
    .map((i) => ({ lineNo: i.lineNo as number, quantity: pieces[i.lineNo as number] }));
  return (
    <Paper withBorder p="md" data-testid="parcel-packer">
      <Title order={3} size="h5" mb="xs">
        {t('Pack a parcel of the lines that are ready')}
      </Title>
      <Group align="end">
        {items
          .filter((i) => i.lineNo !== undefined)
          .map((i) => (
            <NumberInput
              key={i.lineNo}
              w={220}
              label={t('Pieces of {{sku}} in this parcel', { sku: i.sku })}
              min={0}
              max={i.quantity}
              value={pieces[i.lineNo as number] ?? 0}
              onChange={(v) => setPieces((p) => ({ ...p, [i.lineNo as number]: Number(v) || 0 }))}
            />
          ))}
        <Button
          loading={action.busy}
          disabled={lines.length === 0}
          onClick={() =>
            void action
              .run(() => post(`/api/v1/admin/orders/${orderId}/parcels`, { lines }))
              .then((ok) => {
                if (ok) {
                  setPieces({});
                  onPacked();
                }
              })
          }
        >
          {t('Pack as a parcel')}
        </Button>
      </Group>
      <Problem error={action.error} />
    </Paper>
  );
}

function AddressLines({ address }: { address: Address | undefined }) {
  if (!address) return null;
  return (
    <div>
      <div>{[address.firstName, address.lastName].filter(Boolean).join(' ')}</div>
      {address.company && <div>{address.company}</div>}
      <div>{[address.street, address.houseNumber].filter(Boolean).join(' ')}</div>
      {address.addressLine2 && <div>{address.addressLine2}</div>}
      <div>{[address.postalCode, address.city].filter(Boolean).join(' ')}</div>
      <div>{address.country}</div>
    </div>
  );
}

/** The packing slip as printed: order number, recipient, items; nothing else (like the API's slip). */
function PackingSlip({ order }: { order: StaffOrder }) {
  const { t } = useTranslation();
  return (
    <section className="print-only packing-slip" aria-label={t('Packing slip')} data-testid="packing-slip">
      <h1>
        {t('Packing slip')} {order.number}
      </h1>
      <h2>{t('Recipient')}</h2>
      <AddressLines address={order.deliveryAddress} />
      <h2>{t('Items')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('SKU')}</th>
            <th>{t('Item')}</th>
            <th>{t('Quantity')}</th>
          </tr>
        </thead>
        <tbody>
          {order.items?.map((item) => (
            <tr key={item.sku}>
              <td>{item.sku}</td>
              <td>{item.name}</td>
              <td>{item.quantity}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function ShipmentsOfOrder({
  orderId,
  version,
  onRefresh,
}: {
  orderId: string;
  version: number;
  onRefresh: () => void;
}) {
  const { t, i18n } = useTranslation();
  const shipments = useLoad(
    async () =>
      (await get<{ items: Shipment[] }>(`/api/v1/admin/shipments${query({ limit: 200 })}`)).items.filter(
        (s) => s.orderId === orderId,
      ),
    [orderId, version],
  );
  const [tracking, setTracking] = useState<Record<string, Tracking>>({});
  const action = useAction();
  return (
    <Paper withBorder p="md">
      <Group justify="space-between">
        <Title order={3} size="h5">
          {t('Shipments')}
        </Title>
        <Button variant="default" size="xs" onClick={onRefresh}>
          {t('Refresh')}
        </Button>
      </Group>
      <Problem error={shipments.error ?? action.error} />
      {shipments.data?.length === 0 && <Text c="dimmed">{t('No shipment yet.')}</Text>}
      {shipments.data?.map((s) => (
        <Stack key={s.id} gap={4} mt="sm" data-testid="shipment">
          <Group>
            <Badge variant="outline">{s.carrier.toUpperCase()}</Badge>
            <StatusBadge status={s.status} />
            <Text size="sm">
              {t('Tracking number')}: <span data-testid="tracking-number">{s.trackingNumber ?? '—'}</span>
            </Text>
            {s.trackingNumber && (
              <Button
                size="xs"
                variant="light"
                loading={action.busy}
                onClick={() =>
                  void action.run(async () => {
                    const tr = await get<Tracking>(`/api/v1/admin/shipments/${s.id}/tracking`);
                    setTracking((all) => ({ ...all, [s.id]: tr }));
                  })
                }
              >
                {t('Track')}
              </Button>
            )}
          </Group>
          {tracking[s.id] && (
            <Text size="sm" data-testid="tracking-state">
              {t('Carrier status')}: {t(tracking[s.id].state)} ({formatDate(tracking[s.id].at, i18n.language)}
              )
            </Text>
          )}
          {s.lastError && <Text size="sm">{s.lastError}</Text>}
        </Stack>
      ))}
    </Paper>
  );
}

function OrderDetail({ id, onBack }: { id: string; onBack: () => void }) {
  const { t } = useTranslation();
  const [version, setVersion] = useState(0);
  const order = useLoad(() => get<StaffOrder>(`/api/v1/admin/orders/${id}`), [id, version]);
  const [picked, setPicked] = useState<Record<string, boolean>>({});
  const action = useAction();
  const o = order.data;
  const next = o ? NEXT[o.status] : undefined;
  const allPicked = Boolean(o?.items?.every((item) => picked[item.sku]));
  const needsPicking = o?.status === 'picking';
  const serialsLeft = needsPicking ? missingSerials(o?.items) : 0;

  async function move(to: string) {
    if (await action.run(() => post(`/api/v1/admin/orders/${id}/transitions`, { to }))) {
      setVersion((v) => v + 1);
    }
  }

  return (
    <Stack>
      <Group className="no-print">
        <Button variant="subtle" onClick={onBack}>
          ← {t('Back to the queue')}
        </Button>
      </Group>
      <Problem error={order.error ?? action.error} />
      <Loading loading={order.loading && !o} />
      {o && (
        <>
          <Stack className="no-print">
            <Group>
              <Title order={2} size="h3">
                {t('Order')} {o.number}
              </Title>
              <StatusBadge status={o.status} />
            </Group>
            <div className="grid grid-2">
              <Paper withBorder p="md">
                <Title order={3} size="h5" mb="xs">
                  {t('Delivery address')}
                </Title>
                <AddressLines address={o.deliveryAddress} />
              </Paper>
              <Paper withBorder p="md">
                <Title order={3} size="h5" mb="xs">
                  {needsPicking ? t('Pick list: tick each item as it goes into the parcel') : t('Items')}
                </Title>
                <Stack gap="xs">
                  {o.items?.map((item) =>
                    needsPicking ? (
                      <Checkbox
                        key={item.sku}
                        size="md"
                        label={`${item.quantity} × ${item.name} (${item.sku})`}
                        checked={picked[item.sku] ?? false}
                        onChange={(e) => {
                          const checked = e.currentTarget.checked;
                          setPicked((p) => ({ ...p, [item.sku]: checked }));
                        }}
                      />
                    ) : (
                      <Text key={item.sku}>
                        {item.quantity} × {item.name} ({item.sku})
                      </Text>
                    ),
                  )}
                  {needsPicking &&
                    o.items
                      ?.filter((item) => item.tracksSerials)
                      .map((item) => (
                        <SerialScan
                          key={`serials-${item.sku}`}
                          orderId={o.id}
                          item={item}
                          onScanned={() => void order.reload()}
                        />
                      ))}
                </Stack>
              </Paper>
            </div>
            <Group>
              {next && (
                <Button
                  size="md"
                  loading={action.busy}
                  disabled={needsPicking && (!allPicked || serialsLeft > 0)}
                  onClick={() => void move(next.to)}
                >
                  {t(next.label)}
                </Button>
              )}
              <Button size="md" variant="default" onClick={() => window.print()}>
                {t('Print packing slip')}
              </Button>
            </Group>
            {needsPicking && !allPicked && (
              <Alert color="gray">{t('Tick every item before marking the order as packed.')}</Alert>
            )}
            {serialsLeft > 0 && (
              <Alert color="gray" data-testid="serials-missing">
                {t('Scan the serial number of every device piece before packing ({{count}} left).', {
                  count: serialsLeft,
                })}
              </Alert>
            )}
            {(o.status === 'picking' || o.status === 'partially_shipped') && o.items && (
              <ParcelPacker orderId={o.id} items={o.items} onPacked={() => setVersion((v) => v + 1)} />
            )}
            <ShipmentsOfOrder orderId={o.id} version={version} onRefresh={() => setVersion((v) => v + 1)} />
          </Stack>
          <PackingSlip order={o} />
        </>
      )}
    </Stack>
  );
}

function Queue({ onOpen }: { onOpen: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<string>('paid');
  const orders = useLoad(
    () => get<{ items: StaffOrder[] }>(`/api/v1/admin/orders${query({ status, limit: 100 })}`),
    [status],
  );
  return (
    <Stack>
      <SegmentedControl
        aria-label={t('Status')}
        value={status}
        onChange={setStatus}
        data={QUEUE_STATUSES.map((s) => ({ value: s, label: t(s) }))}
      />
      <Problem error={orders.error} />
      <Loading loading={orders.loading} />
      {orders.data && orders.data.items.length === 0 && <Text c="dimmed">{t('Nothing in this queue.')}</Text>}
      {orders.data && orders.data.items.length > 0 && (
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('Order')}</Table.Th>
              <Table.Th>{t('Placed')}</Table.Th>
              <Table.Th>{t('Items')}</Table.Th>
              <Table.Th>{t('Ship to')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {orders.data.items.map((o) => (
              <Table.Tr key={o.id}>
                <Table.Td>{o.number}</Table.Td>
                <Table.Td>{formatDate(o.createdAt, i18n.language)}</Table.Td>
                <Table.Td>{o.items?.reduce((n, i) => n + i.quantity, 0)}</Table.Td>
                <Table.Td>
                  {[o.deliveryAddress?.postalCode, o.deliveryAddress?.city, o.deliveryAddress?.country]
                    .filter(Boolean)
                    .join(' ')}
                </Table.Td>
                <Table.Td>
                  <Button size="xs" onClick={() => onOpen(o.id)} aria-label={`${t('Open')} ${o.number}`}>
                    {t('Open')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

function DeadLetters() {
  const { t, i18n } = useTranslation();
  const list = useLoad(
    () => get<{ items: Shipment[] }>(`/api/v1/admin/shipments${query({ status: 'dead_letter' })}`),
    [],
  );
  const action = useAction();
  return (
    <Stack>
      <Problem error={list.error ?? action.error} />
      <Loading loading={list.loading} />
      {list.data?.items.length === 0 && <Text c="dimmed">{t('No dead-lettered handoffs.')}</Text>}
      {list.data && list.data.items.length > 0 && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('Order')}</Table.Th>
              <Table.Th>{t('Carrier')}</Table.Th>
              <Table.Th>{t('Attempts')}</Table.Th>
              <Table.Th>{t('Last error')}</Table.Th>
              <Table.Th>{t('Dead-lettered')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.items.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{s.orderNumber}</Table.Td>
                <Table.Td>{s.carrier.toUpperCase()}</Table.Td>
                <Table.Td>
                  {s.attempts}/{s.attemptLimit}
                </Table.Td>
                <Table.Td>{s.lastError}</Table.Td>
                <Table.Td>{formatDate(s.deadLetteredAt, i18n.language)}</Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    loading={action.busy}
                    onClick={() =>
                      void action
                        .run(() => post(`/api/v1/admin/shipments/${s.id}/retry`, {}))
                        .then(() => list.reload())
                    }
                  >
                    {t('Retry')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

export function FulfilmentScreen() {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  if (open) return <OrderDetail id={open} onBack={() => setOpen(null)} />;
  return (
    <Tabs defaultValue="queue" keepMounted={false}>
      <Tabs.List className="no-print">
        <Tabs.Tab value="queue">{t('Queue')}</Tabs.Tab>
        <Tabs.Tab value="dead-letters">{t('Dead-lettered handoffs')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="queue" pt="md">
        <Queue onOpen={setOpen} />
      </Tabs.Panel>
      <Tabs.Panel value="dead-letters" pt="md">
        <DeadLetters />
      </Tabs.Panel>
    </Tabs>
  );
}

import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  MultiSelect,
  NumberInput,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, request } from '../api.js';
import { formatDate, formatMoney, Loading, Problem, useAction, useLoad } from './common.js';

const ROLES = ['fulfilment', 'support', 'privacy-officer', 'admin'];

interface StaffAccount {
  id: string;
  email: string | null;
  displayName: string | null;
  role: string;
  active: boolean;
  lastLoginAt: string | null;
}

function Staff() {
  const { t, i18n } = useTranslation();
  const [version, setVersion] = useState(0);
  const staff = useLoad(() => get<StaffAccount[]>('/api/v1/admin/staff'), [version]);
  const action = useAction();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<string | null>('support');
  const [password, setPassword] = useState('');
  const refresh = () => setVersion((v) => v + 1);
  const update = (id: string, body: Record<string, unknown>) =>
    void action.run(() => request('PATCH', `/api/v1/admin/staff/${id}`, body)).then((ok) => ok && refresh());
  return (
    <Stack>
      <Problem error={staff.error ?? action.error} />
      <Loading loading={staff.loading} />
      {staff.data && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('Name')}</Table.Th>
              <Table.Th>{t('Email')}</Table.Th>
              <Table.Th>{t('Role')}</Table.Th>
              <Table.Th>{t('Active')}</Table.Th>
              <Table.Th>{t('Last sign-in')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {staff.data.map((s) => (
              <Table.Tr key={s.id}>
                <Table.Td>{s.displayName}</Table.Td>
                <Table.Td>{s.email}</Table.Td>
                <Table.Td>
                  <Select
                    aria-label={`${t('Role')} ${s.displayName ?? ''}`}
                    size="xs"
                    value={s.role}
                    allowDeselect={false}
                    data={ROLES.map((r) => ({ value: r, label: t(r) }))}
                    onChange={(r) => r && r !== s.role && update(s.id, { role: r })}
                  />
                </Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`${t('Active')} ${s.displayName ?? ''}`}
                    checked={s.active}
                    onChange={(e) => update(s.id, { active: e.currentTarget.checked })}
                  />
                </Table.Td>
                <Table.Td>{formatDate(s.lastLoginAt, i18n.language)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Paper withBorder p="md">
        <Title order={3} size="h5" mb="xs">
          {t('New staff account')}
        </Title>
        <div className="grid grid-4">
          <TextInput label={t('Email')} value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <TextInput
            label={t('Display name')}
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
          />
          <Select
            label={t('Role')}
            value={role}
            onChange={setRole}
            allowDeselect={false}
            data={ROLES.map((r) => ({ value: r, label: t(r) }))}
          />
          <PasswordInput
            label={t('Initial password')}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
        </div>
        <Button
          mt="sm"
          loading={action.busy}
          onClick={() =>
            void action
              .run(() => post('/api/v1/admin/staff', { email, displayName, role, password }))
              .then((ok) => {
                if (ok) {
                  setPassword('');
                  refresh();
                }
              })
          }
        >
          {t('Create')}
        </Button>
      </Paper>
    </Stack>
  );
}

interface Partner {
  id: string;
  name: string;
  kind: string;
  recipientId: string;
  active: boolean;
}
interface ApiKey {
  id: string;
  label: string | null;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function PartnerKeys({ partner }: { partner: Partner }) {
  const { t, i18n } = useTranslation();
  const [version, setVersion] = useState(0);
  const keys = useLoad(
    () => get<ApiKey[]>(`/api/v1/admin/partners/${partner.id}/api-keys`),
    [partner.id, version],
  );
  const [scopes, setScopes] = useState<string[]>(['shipments:read']);
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<string | null>(null);
  const action = useAction();
  const refresh = () => setVersion((v) => v + 1);
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5">
        {t('API keys of {{name}}', { name: partner.name })}
      </Title>
      <Problem error={keys.error ?? action.error} />
      {issued && (
        <Alert color="yellow" mt="sm" title={t('Shown once: hand it over securely now')}>
          <Code>{issued}</Code>
        </Alert>
      )}
      <Table mt="sm">
        <Table.Tbody>
          {keys.data?.map((k) => (
            <Table.Tr key={k.id}>
              <Table.Td>
                <Code>{k.prefix}…</Code>
              </Table.Td>
              <Table.Td>{k.label}</Table.Td>
              <Table.Td>{k.scopes.join(', ')}</Table.Td>
              <Table.Td>{formatDate(k.lastUsedAt, i18n.language)}</Table.Td>
              <Table.Td>
                {k.revokedAt ? (
                  <Badge color="gray">{t('revoked')}</Badge>
                ) : (
                  <Button
                    size="xs"
                    color="red"
                    variant="light"
                    onClick={() =>
                      void action
                        .run(() => request('DELETE', `/api/v1/admin/partners/${partner.id}/api-keys/${k.id}`))
                        .then(refresh)
                    }
                  >
                    {t('Revoke')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group align="end" mt="sm">
        <MultiSelect
          label={t('Scopes')}
          value={scopes}
          onChange={setScopes}
          data={['shipments:read', 'shipments:write', 'api-keys:read']}
        />
        <TextInput label={t('Label')} value={label} onChange={(e) => setLabel(e.currentTarget.value)} />
        <Button
          loading={action.busy}
          onClick={() =>
            void action.run(async () => {
              const key = await post<{ key: string }>(`/api/v1/admin/partners/${partner.id}/api-keys`, {
                scopes,
                ...(label ? { label } : {}),
              });
              setIssued(key.key);
              refresh();
            })
          }
        >
          {t('Issue key')}
        </Button>
      </Group>
    </Paper>
  );
}

function Partners() {
  const { t } = useTranslation();
  const partners = useLoad(() => get<Partner[]>('/api/v1/admin/partners'), []);
  const [open, setOpen] = useState<Partner | null>(null);
  return (
    <Stack>
      <Problem error={partners.error} />
      <Loading loading={partners.loading} />
      {partners.data?.length === 0 && <Text c="dimmed">{t('No partner yet.')}</Text>}
      {partners.data && partners.data.length > 0 && (
        <Table>
          <Table.Tbody>
            {partners.data.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td>{t(p.kind)}</Table.Td>
                <Table.Td>
                  <Code>{p.recipientId}</Code>
                </Table.Td>
                <Table.Td>{p.active ? t('active') : t('inactive')}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" onClick={() => setOpen(p)}>
                    {t('API keys')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {open && <PartnerKeys partner={open} />}
    </Stack>
  );
}

interface Product {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  stock: number;
  active: boolean;
}

function Catalogue() {
  const { t, i18n } = useTranslation();
  const [version, setVersion] = useState(0);
  const products = useLoad(() => get<{ items: Product[] }>('/api/v1/admin/products?pageSize=100'), [version]);
  const action = useAction();
  const [adjust, setAdjust] = useState<Record<string, number | string>>({});
  const refresh = () => setVersion((v) => v + 1);
  return (
    <Stack>
      <Problem error={products.error ?? action.error} />
      <Loading loading={products.loading} />
      {products.data && (
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('SKU')}</Table.Th>
              <Table.Th>{t('Name')}</Table.Th>
              <Table.Th>{t('Price')}</Table.Th>
              <Table.Th>{t('Stock')}</Table.Th>
              <Table.Th>{t('Active')}</Table.Th>
              <Table.Th>{t('Stock adjustment')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {products.data.items.map((p) => (
              <Table.Tr key={p.id}>
                <Table.Td>{p.sku}</Table.Td>
                <Table.Td>{p.name}</Table.Td>
                <Table.Td>{formatMoney(p.priceCents, p.currency, i18n.language)}</Table.Td>
                <Table.Td>{p.stock}</Table.Td>
                <Table.Td>
                  <Switch
                    aria-label={`${t('Active')} ${p.sku}`}
                    checked={p.active}
                    onChange={(e) =>
                      void action
                        .run(() =>
                          request('PATCH', `/api/v1/admin/products/${p.id}`, {
                            active: e.currentTarget.checked,
                          }),
                        )
                        .then(refresh)
                    }
                  />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs">
                    <NumberInput
                      aria-label={`${t('Stock adjustment')} ${p.sku}`}
                      size="xs"
                      w={90}
                      value={adjust[p.id] ?? ''}
                      onChange={(v) => setAdjust((a) => ({ ...a, [p.id]: v }))}
                    />
                    <Button
                      size="xs"
                      variant="light"
                      disabled={!adjust[p.id]}
                      onClick={() =>
                        void action
                          .run(() =>
                            request('PATCH', `/api/v1/admin/products/${p.id}`, {
                              stockAdjustment: Number(adjust[p.id]),
                            }),
                          )
                          .then(() => {
                            setAdjust((a) => ({ ...a, [p.id]: '' }));
                            refresh();
                          })
                      }
                    >
                      {t('Apply')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}

export function AdminScreen() {
  const { t } = useTranslation();
  return (
    <Tabs defaultValue="staff" keepMounted={false}>
      <Tabs.List>
        <Tabs.Tab value="staff">{t('Staff and roles')}</Tabs.Tab>
        <Tabs.Tab value="partners">{t('Partners and keys')}</Tabs.Tab>
        <Tabs.Tab value="catalogue">{t('Catalogue')}</Tabs.Tab>
      </Tabs.List>
      <Tabs.Panel value="staff" pt="md">
        <Staff />
      </Tabs.Panel>
      <Tabs.Panel value="partners" pt="md">
        <Partners />
      </Tabs.Panel>
      <Tabs.Panel value="catalogue" pt="md">
        <Catalogue />
      </Tabs.Panel>
    </Tabs>
  );
}

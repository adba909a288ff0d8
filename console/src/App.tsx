import {
  Alert,
  Button,
  Container,
  Group,
  NavLink,
  Paper,
  PasswordInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, signIn, signOut, whenSessionEnds, type Session, type StaffRole } from './api.js';
import { LANGUAGES } from './i18n.js';
import { AdminScreen } from './screens/Admin.js';
import { FulfilmentScreen } from './screens/Fulfilment.js';
import { PrivacyScreen } from './screens/Privacy.js';
import { SupportScreen } from './screens/Support.js';

type Area = 'fulfilment' | 'support' | 'privacy' | 'admin';

/** Which areas a role may open: the same split as the API's roles (the API enforces it anyway). */
const AREAS: Record<StaffRole, Area[]> = {
  fulfilment: ['fulfilment'],
  support: ['support'],
  'privacy-officer': ['privacy'],
  admin: ['fulfilment', 'support', 'privacy', 'admin'],
};

const AREA_LABELS: Record<Area, string> = {
  fulfilment: 'Fulfilment',
  support: 'Support',
  privacy: 'Privacy',
  admin: 'Administration',
};

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <SegmentedControl
      aria-label={t('Language')}
      size="xs"
      value={i18n.language}
      onChange={(lng) => void i18n.changeLanguage(lng)}
      data={LANGUAGES.map((l) => ({ value: l, label: l.toUpperCase() }))}
    />
  );
}

function SignIn({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice: string | null }) {
  const { t } = useTranslation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(email, password));
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 429
          ? t('Too many attempts. Try again later.')
          : t('The email address or the password is not correct.'),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <Container size={420} py="xl">
      <Group justify="space-between" mb="md">
        <Title order={1} size="h2">
          {t('Staff console')}
        </Title>
        <LanguageSwitch />
      </Group>
      <Paper withBorder p="lg" component="form" onSubmit={(e: FormEvent) => void submit(e)}>
        <Stack>
          {notice && <Alert color="yellow">{notice}</Alert>}
          {error && (
            <Alert color="red" role="alert">
              {error}
            </Alert>
          )}
          <TextInput
            label={t('Email')}
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            data-autofocus
            autoFocus
          />
          <PasswordInput
            label={t('Password')}
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          <Button type="submit" loading={busy}>
            {t('Sign in')}
          </Button>
          <Text size="xs" c="dimmed">
            {t('The session is kept in this tab only; reloading the page signs you out.')}
          </Text>
        </Stack>
      </Paper>
    </Container>
  );
}

export function App() {
  const { t } = useTranslation();
  const [session, setSession] = useState<Session | null>(null);
  const [area, setArea] = useState<Area>('fulfilment');
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    whenSessionEnds(() => {
      setSession(null);
      setNotice(t('Your session has ended. Please sign in again.'));
    });
  }, [t]);

  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          setNotice(null);
          setSession(s);
          setArea(AREAS[s.role][0]);
        }}
      />
    );
  }

  const areas = AREAS[session.role];
  const screens: Record<Area, ReactNode> = {
    fulfilment: <FulfilmentScreen />,
    support: <SupportScreen role={session.role} />,
    privacy: <PrivacyScreen role={session.role} />,
    admin: <AdminScreen />,
  };

  return (
    <div className="shell">
      <header className="shell-header no-print">
        <Group h="100%" px="md" justify="space-between">
          <Title order={1} size="h4">
            {t('Staff console')}
          </Title>
          <Group>
            <Text size="sm" data-testid="role">
              {t('Role')}: {t(session.role)}
            </Text>
            <LanguageSwitch />
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                signOut();
                setSession(null);
              }}
            >
              {t('Sign out')}
            </Button>
          </Group>
        </Group>
      </header>
      <nav className="shell-nav no-print" aria-label={t('Areas')}>
        {areas.map((a) => (
          <NavLink
            key={a}
            component="button"
            label={t(AREA_LABELS[a])}
            active={a === area}
            aria-current={a === area ? 'page' : undefined}
            onClick={() => setArea(a)}
          />
        ))}
      </nav>
      <main className="shell-main">{screens[area]}</main>
    </div>
  );
}

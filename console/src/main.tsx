import '@mantine/core/styles.css';
import './console.css';
import './i18n.js';
import { createTheme, MantineProvider, type MantineColorSchemeManager } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

const theme = createTheme({});

/** The colour scheme lives in memory: the console keeps nothing in the browser's storage. */
const memoryColorScheme: MantineColorSchemeManager = {
  get: (defaultValue) => defaultValue,
  set: () => undefined,
  subscribe: () => undefined,
  unsubscribe: () => undefined,
  clear: () => undefined,
};

// withCssVariables and withGlobalClasses off: Mantine would otherwise render <style> elements, which
// the console's CSP (style-src 'self') refuses; the default theme's variables come with styles.css.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider
      theme={theme}
      withCssVariables={false}
      withGlobalClasses={false}
      colorSchemeManager={memoryColorScheme}
      defaultColorScheme="light"
    >
      <App />
    </MantineProvider>
  </StrictMode>,
);

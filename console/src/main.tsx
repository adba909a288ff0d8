import '@mantine/core/styles.css';
import './console.css';
import './i18n.js';
import { createTheme, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';

const theme = createTheme({});

// withCssVariables off: Mantine would otherwise inject a <style> element, which the console's CSP
// (style-src 'self') refuses; the default theme's variables come with styles.css.
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} withCssVariables={false} defaultColorScheme="light">
      <App />
    </MantineProvider>
  </StrictMode>,
);

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installBenchHook } from './bench-hook';
import { resolveConnection, takeTokenFromHash } from './connection';
import { installNotifier } from './platform';
import { connect, connectWithToken } from './store/socket';
import './styles.css';

installNotifier();
installBenchHook();
connect(resolveConnection());
// A corrected `#token=…` in the address bar connects with it, without a reload.
window.addEventListener('hashchange', () => {
  const token = takeTokenFromHash();
  if (token) connectWithToken(token);
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installBenchHook } from './bench-hook';
import { resolveConnection } from './connection';
import { installNotifier } from './platform';
import { connect } from './store/socket';
import './styles.css';

installNotifier();
installBenchHook();
connect(resolveConnection());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

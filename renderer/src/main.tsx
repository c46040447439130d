import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { setUpApi } from './api';
import { App } from './App';
import { ApiContext } from './context';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

const setup = setUpApi();
createRoot(root).render(
  <StrictMode>
    <ApiContext.Provider value={setup}>
      <App />
    </ApiContext.Provider>
  </StrictMode>,
);

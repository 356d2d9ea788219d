import { z } from 'zod';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { runCommand } from './lib/actions.js';
import { installShortcuts } from './lib/shortcuts.js';
import { studio } from './lib/studio.svelte.js';
import { chooseTransport } from './transport/chooseTransport.js';

// The page's CSP forbids eval; zod would otherwise probe for it with new Function().
z.config({ jitless: true });

const target = document.getElementById('app')!;
const transport = chooseTransport((status) => (studio.connection = status));
if ('error' in transport) {
  target.textContent = transport.error;
  target.classList.add('fatal');
} else {
  mount(App, { target });
  void studio.connect(transport.studio).then(() => {
    transport.studio.onMenuCommand(runCommand);
    installShortcuts(() => studio.info?.mode !== 'desktop');
    document.documentElement.dataset.ready = 'true';
  });
}

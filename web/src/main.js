// Entry point: the navigation bar and a page chosen by the path after the prefix.
import './style.css';
import { prefix, el } from './api.js';
import { queryPage } from './query.js';
import { statusPages } from './status.js';

const pages = [
  ['/graph', 'Query', queryPage],
  // Loaded on first use: the dashboards' code is not part of the first visit.
  ['/dashboards', 'Dashboards', (page) => import('./dashboards.js').then((m) => m.dashboardsPage(page))],
  ['/alerts', 'Alerts', statusPages.alerts],
  ['/rules', 'Rules', statusPages.rules],
  ['/targets', 'Targets', statusPages.targets],
  ['/tsdb-status', 'TSDB status', statusPages.tsdb],
  ['/config', 'Configuration', statusPages.config],
  ['/flags', 'Flags', statusPages.flags],
  ['/status', 'Runtime & build', statusPages.runtime],
];

function current() {
  let path = location.pathname;
  if (path.startsWith(prefix)) path = path.slice(prefix.length);
  return pages.find(([p]) => p === path) || pages[0];
}

const [path, , render] = current();
const nav = document.getElementById('nav');
nav.append(el('span', { class: 'brand' }, 'Cairn'),
  ...pages.map(([p, title]) => el('a', { href: prefix + p, class: p === path ? 'active' : null }, title)));
render(document.getElementById('page')).catch((e) => {
  document.getElementById('page').append(el('div', { class: 'error' }, String(e.message || e)));
});

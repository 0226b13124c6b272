import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { whenUnauthenticated } from './api/http.js';
import { loadSession, session } from './session.js';

// Kestra's route shapes under /ui/, with the tenant `main`: an execution's `url` from the API
// (`/ui/main/executions/{ns}/{flowId}/{id}`) opens that execution.
const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('./pages/LoginPage.vue'), meta: { anonymous: true } },
  { path: '/', redirect: '/main/flows' },
  { path: '/main', redirect: '/main/flows' },
  { path: '/main/flows', name: 'flows/list', component: () => import('./pages/FlowsPage.vue') },
  { path: '/main/flows/new', name: 'flows/create', component: () => import('./pages/FlowCreatePage.vue') },
  { path: '/main/flows/edit/:namespace/:id/:tab?', name: 'flows/update', component: () => import('./pages/flow/FlowPage.vue') },
  { path: '/main/executions', name: 'executions/list', component: () => import('./pages/ExecutionsPage.vue') },
  { path: '/main/executions/:namespace/:flowId/:id/:tab?', name: 'executions/update', component: () => import('./pages/execution/ExecutionPage.vue') },
  { path: '/main/triggers', name: 'triggers/list', component: () => import('./pages/TriggersPage.vue') },
  { path: '/main/plugins/:cls?', name: 'plugins', component: () => import('./pages/PluginsPage.vue') },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue'), meta: { anonymous: true } },
];

export const router = createRouter({ history: createWebHistory('/ui/'), routes });

router.beforeEach(async (to) => {
  if (to.meta.anonymous) return true;
  const current = await loadSession();
  return current ? true : { name: 'login', query: { next: to.fullPath } };
});

whenUnauthenticated(() => {
  session.value = null;
  const here = router.currentRoute.value;
  if (here.name !== 'login') void router.push({ name: 'login', query: { next: here.fullPath } });
});

import type { en } from './en';

export const zh: Record<keyof typeof en, string> = {
  'app.title': 'netlab',
  'app.tagline': '逐跳观察 Kubernetes 集群网络。',
};

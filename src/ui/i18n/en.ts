export const en = {
  'app.title': 'netlab',
  'app.tagline': 'Kubernetes cluster networking, hop by hop.',
} as const;

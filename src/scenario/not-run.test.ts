// Workloads kept but not run are said, at the object, in plain manifests only (a snapshot holds the
// pods its Jobs made).
import { describe, expect, it } from 'vitest';
import { loadScenarioText } from './index';

const JOB = 'apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\n' +
  'spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}\n';
const CRON = 'apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly}\n' +
  'spec: {schedule: "0 3 * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, ' +
  'containers: [{name: c, image: busybox}]}}}}}\n';

describe('workloads the lab keeps but does not run', () => {
  it('a Job and a CronJob in manifests each get a warning at their kind, in the lab\'s words', () => {
    const r = loadScenarioText('work.yaml', `${JOB}---\n${CRON}`);
    expect(r.ok).toBe(true);
    const notRun = r.problems.filter((p) => p.kind === 'not-run');
    expect(notRun.map((p) => [p.line, p.path, p.severity])).toEqual([[2, '/kind', 'warning'], [7, '/kind', 'warning']]);
    expect(notRun[0]!.message).toBe(
      'Job "migrate": kept but not run: the lab has no Job controller, so it makes no pods ' +
        '(kubectl get/describe show the object; the lab runs Deployment, ReplicaSet, DaemonSet, Pod)',
    );
  });

  it('a snapshot\'s Job says nothing: the snapshot holds the pods it made', () => {
    const r = loadScenarioText('snap.yaml', JOB.replace('{name: migrate}', '{name: migrate, resourceVersion: "7"}'));
    expect(r.problems.filter((p) => p.kind === 'not-run')).toEqual([]);
  });
});

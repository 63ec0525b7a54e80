import type { TestProject } from 'vitest/node';
import { startBroker, startDatabase } from './infra.js';

import './testing.js';

/**
 * One database and one NATS per test project, on free ports with temporary directories; every test
 * file then uses its own database name. MONGODB_URL / NATS_URL are ignored on purpose.
 */
export default async function setup(project: TestProject) {
  const [db, nats] = await Promise.all([startDatabase('test'), startBroker('test')]);
  project.provide('mongoUrl', db.url);
  project.provide('natsUrl', nats.url);
  return async () => {
    await Promise.all([db.stop(), nats.stop()]);
  };
}

import { parseRunArgs, type ChaosOptions } from '../chaos/options.js';

export const HELP = `Usage: npm run cluster -- [options]

Starts the shop replicated on one machine: a three-node NATS JetStream cluster (streams with 3 copies),
two replicas of every service and worker behind a round-robin proxy each, two gateways sharing Redis,
one database. Drives purchases (some customers walk away, some webhooks are held back) while it kills
one NATS node and later one replica of every service (SIGKILL) and restarts them, then reconciles the
chaos run's rows and the cluster's own (nothing relayed, swept or sent twice; every event delivered;
work shared by the replicas) and prints each replica's share. Exits 1 on any mismatch.

Options:
  --purchases N     purchases to drive (default 60; 24 with --bounded)
  --concurrency N   purchases in flight at once (default 4; 3 with --bounded)
  --bounded         the short run CI runs: one NATS node and one replica of each service killed (~5 min)
  --seed N          seed of the purchase mix (default: random, printed)
  --keep            keep the state directory (logs, database, mails) after the run and print its path
  --help            this text
`;

export const parseClusterArgs = (argv: readonly string[]): ChaosOptions | undefined =>
  parseRunArgs(argv, { full: { purchases: 60, concurrency: 4 }, bounded: { purchases: 24, concurrency: 3 } });

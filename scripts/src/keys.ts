/**
 * `npm run --silent keys > .env`: prints fresh keys and secrets for `docker compose up` as an .env
 * file (see docker-compose.yml). Every run makes new ones; keep the file private.
 */
import { freshSecrets } from './fresh-secrets.js';

const lines = Object.entries(freshSecrets()).map(([name, value]) => `${name}=${value}`);
process.stdout.write(
  `# Keys and secrets for docker compose, made by npm run keys. Private: never commit this file.\n${lines.join('\n')}\n`,
);

import { randomUUID } from 'node:crypto';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The client's request id when it is a sane one, else a fresh one (it ends up in signed contexts and logs). */
export const requestIdOf = (given: string | undefined): string => (given && REQUEST_ID.test(given) ? given : randomUUID());

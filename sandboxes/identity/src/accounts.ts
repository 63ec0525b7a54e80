import { join } from 'node:path';
import { z } from 'zod';
import { JsonStateFile, ROLES, type Role } from '@shop/kit';

/** The roles the login page offers: one each, as the gateway reads them from `roles`. */
export const LOGIN_ROLES = ['customer', 'admin'] as const satisfies readonly Role[];

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} .'-]*$/u;

/** What the login form posts; each message is shown on the page next to its field. */
export const loginForm = z.object({
  name: z
    .string()
    .trim()
    .min(2, 'Name must be 2 to 40 characters')
    .max(40, 'Name must be 2 to 40 characters')
    .regex(NAME, "Name may hold letters, digits, spaces and . ' - only, starting with a letter or digit")
    .refine((name) => slug(name).length >= 2, 'Name needs at least two Latin letters or digits (they make the account id)'),
  role: z.enum(LOGIN_ROLES, { message: 'Role must be customer or admin' }),
});
export type LoginForm = z.infer<typeof loginForm>;

/** `Zoë O'Brien` → `zoe-o-brien`: accents dropped, anything else between letters and digits a dash. */
export function slug(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The account id (`sub`) of a name: the same name, however capitalised or accented, is the same customer. */
export const subjectOf = (name: string): string => `user-${slug(name)}`;

const account = z.strictObject({ name: z.string().min(1), roles: z.array(z.enum(ROLES)).min(1) });
export type Account = z.infer<typeof account>;
const accountsSchema = z.strictObject({ version: z.literal(1), accounts: z.record(z.string(), account) });

/**
 * Who signed in: sub → the name and role of the latest sign-in with that name (tokens carry them as
 * `name` and `roles`). Kept in `<SANDBOX_STATE_DIR>/accounts.json` when set.
 */
export class AccountStore {
  private readonly accounts: Map<string, Account>;
  private readonly file: JsonStateFile<typeof accountsSchema> | undefined;

  constructor(stateDir: string | undefined) {
    this.file = stateDir === undefined ? undefined : new JsonStateFile(join(stateDir, 'accounts.json'), accountsSchema);
    this.accounts = new Map(Object.entries(this.file?.load()?.accounts ?? {}));
  }

  /** Records a sign-in and returns the account id. */
  signIn(form: LoginForm): string {
    const sub = subjectOf(form.name);
    this.accounts.set(sub, { name: form.name, roles: [form.role] });
    this.file?.save({ version: 1, accounts: Object.fromEntries(this.accounts) });
    return sub;
  }

  get(sub: string): Account | undefined {
    return this.accounts.get(sub);
  }
}

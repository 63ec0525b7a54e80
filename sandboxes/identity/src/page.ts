import { LOGIN_ROLES } from './accounts.js';

export const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;display:flex;justify-content:center}
main{width:100%;max-width:24rem}label{display:block;margin-top:1rem;font-weight:600}
input,select,button{font:inherit;width:100%;box-sizing:border-box;padding:.6rem;margin-top:.25rem}
button{margin-top:1.5rem;background:#1d4ed8;color:#fff;border:0;border-radius:4px;cursor:pointer}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}.error{color:#b91c1c;margin:.25rem 0 0}
.note{color:#444;font-size:.9rem}`;

export interface LoginPage {
  action: string;
  clientId: string;
  name?: string;
  role?: string;
  errors?: { name?: string; role?: string };
}

function field(id: 'name' | 'role', label: string, control: (attrs: string) => string, error: string | undefined): string {
  const attrs = `id="${id}" name="${id}"${error ? ` aria-invalid="true" aria-describedby="${id}-error"` : ''}`;
  return `<label for="${id}">${label}</label>${control(attrs)}${error ? `<p class="error" id="${id}-error">${escape(error)}</p>` : ''}`;
}

/** The login page: a name and a role, nothing loaded from elsewhere. Errors are named next to their field. */
export function loginPage(page: LoginPage): string {
  const { errors = {} } = page;
  const failed = errors.name !== undefined || errors.role !== undefined;
  const name = field(
    'name',
    'Name',
    (a) =>
      `<input ${a} type="text" required minlength="2" maxlength="40" autocomplete="username" autofocus value="${escape(page.name ?? '')}">`,
    errors.name,
  );
  const options = LOGIN_ROLES.map((r) => `<option value="${r}"${page.role === r ? ' selected' : ''}>${r}</option>`).join('');
  const role = field('role', 'Role', (a) => `<select ${a}>${options}</select>`, errors.role);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${failed ? 'Error: ' : ''}Sign in · identity sandbox</title><style>${STYLE}</style></head>
<body><main><h1>Sign in</h1>
<p class="note">Development identity provider for <strong>${escape(page.clientId)}</strong>: any name signs in; the same name is the same account.</p>
${failed ? '<p role="alert" class="error">The sign-in was not accepted: see the field below.</p>' : ''}
<form method="post" action="${escape(page.action)}" novalidate>${name}${role}<button type="submit">Sign in</button></form>
</main></body></html>`;
}

/** An error the provider shows instead of redirecting (e.g. an unregistered redirect_uri). */
export function errorPage(error: string, description: string | undefined): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Error: ${escape(error)} · identity sandbox</title><style>${STYLE}</style></head>
<body><main><h1>Sign-in failed</h1><p role="alert" class="error"><strong>${escape(error)}</strong>${description ? `: ${escape(description)}` : ''}</p></main></body></html>`;
}

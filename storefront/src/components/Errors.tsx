import { errorSentence, type UserErrorValue } from '../lib/user-errors.js';

/** User errors as sentences, each in its own role="alert" element so it is announced where it appears. */
export function UserErrors({ errors, id }: { errors: readonly UserErrorValue[] | undefined; id?: string }) {
  if (!errors?.length) return null;
  return (
    <div id={id} className="user-errors">
      {errors.map((e, i) => (
        <p key={`${e.code}-${i}`} role="alert" className="error">
          {errorSentence(e)}
        </p>
      ))}
    </div>
  );
}

/** A failed request (network, GraphQL error) in a sentence. */
export function RequestError({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unexpected failure';
  return (
    <p role="alert" className="error">
      Something went wrong talking to the shop: {text}
    </p>
  );
}

import { describe, expect, it } from 'vitest';
import { PermanentError } from '@shop/events';
import { classifySmtpError } from './errors.js';

describe('classifySmtpError', () => {
  it.each([
    ['550 mailbox unavailable', { responseCode: 550, code: 'EENVELOPE', response: '550 5.1.1 no such user', message: 'x' }, true],
    ['554 transaction failed', { responseCode: 554, code: 'EMESSAGE', message: 'rejected' }, true],
    ['envelope refused by nodemailer', { code: 'EENVELOPE', message: 'No recipients defined' }, true],
    ['421 service not available', { responseCode: 421, code: 'EENVELOPE', message: 'try later' }, false],
    ['451 local error', { responseCode: 451, code: 'EMESSAGE', message: 'later' }, false],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }), false],
    ['timeout', Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT' }), false],
  ])('%s → permanent: %s', (_name, err, permanent) => {
    const classified = classifySmtpError(err);
    expect(classified instanceof PermanentError).toBe(permanent);
  });

  it('names the reply in the reason', () => {
    expect(classifySmtpError({ responseCode: 550, response: '550 5.1.1 no such user' }).message).toMatch(/550 5\.1\.1 no such user/);
  });
});

/** What other packages (tests, `npm start`) use of the messaging worker. `index.ts` is the process entry. */
export { loadConfig, type MessagingConfig } from './config.js';
export { startMessaging, smsProviderFrom, type MessagingOverrides, type RunningMessaging } from './worker.js';
export { emailMessageId, smtpMailer, type Email, type Mailer } from './email.js';
export { folderSmsProvider, httpSmsProvider, toE164, type Sms, type SmsProvider } from './sms.js';
export { httpInvoicePdfSource, orderDirectory, type InvoicePdfSource, type OrderContact, type OrderDirectory } from './services.js';
export { createNotificationModel, Notifier, type NotificationRecord } from './notifications.js';

export * from './types.js';
export { httpTransport, postEnrolment, type HttpTransportOptions } from './http.js';
export { mailboxTransport, mailboxNames, type MailboxMessage, type MailboxMessageType, type MailboxOptions } from './mailbox.js';

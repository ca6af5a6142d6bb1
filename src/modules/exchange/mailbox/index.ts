// The platform side of the file mailbox (网闸): `govshare exchange mailbox`.
export { mailboxCycle, runMailboxGateway, MAILBOX_MAX_AGE_MS, MAILBOX_REEXPORT_MS, type MailboxCycleResult, type MailboxExchange, type MailboxOptions } from './mailbox-gateway.js';

/**
 * Outgoing email through nodemailer (docs/notifications.md). One SMTP transport per process,
 * built from PANTAU_SMTP_URL, PANTAU_MAIL_FROM and PANTAU_PUBLIC_URL (checked in
 * app/env.server.ts); without them no email is sent. Every connection has time-outs, so a mail
 * server that hangs makes one send fail, and the reminder run stops sending at such a failure
 * (isConnectionFailure) instead of stalling the scheduler. Credentials in an smtp: URL require
 * STARTTLS. Who receives what is decided in app/models/reminders.server.ts: only the recipient's
 * own app_user.email.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { env, type MailEnv } from "~/env.server";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  /** The app's address for links in messages, without a trailing slash. */
  readonly publicUrl: string;
  /** Sends one message; rejects with the server's answer when it is refused or the server cannot be reached. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export interface MailerOptions extends MailEnv {
  /** Time-out of connecting, the greeting and each socket wait (ms). */
  timeoutMs?: number;
}

/** Time allowed for each step of one SMTP conversation. */
export const SMTP_TIMEOUT_MS = 15_000;

/**
 * The SMTP transport's options for PANTAU_SMTP_URL. smtps: is TLS from the start; smtp: with a
 * user and password requires STARTTLS (requireTLS), so the credentials are never sent in clear
 * text to a server that does not offer STARTTLS or whose offer was stripped on the way. smtp:
 * without credentials (a relay on the local network) uses STARTTLS when the server offers it.
 */
export function transportOptions(options: MailerOptions): SMTPTransport.Options {
  const url = new URL(options.smtpUrl);
  const secure = url.protocol === "smtps:";
  const timeout = options.timeoutMs ?? SMTP_TIMEOUT_MS;
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    requireTLS: !secure && user !== "",
    auth: user ? { user, pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // One connection per message: a reminder run sends a handful, and a pool would outlive a failed server.
    pool: false,
  };
}

/** nodemailer's error codes for a server that cannot be reached or talked to at all (not one refused recipient). */
const CONNECTION_CODES = new Set([
  "ECONNECTION",
  "ESOCKET",
  "ETIMEDOUT",
  "EDNS",
  "ETLS",
  "EPROTOCOL",
  "EAUTH",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);

/**
 * True when a send failed before any message could be handed over: the connection was refused,
 * timed out (connecting, the greeting, an answer), broke, TLS or login failed. Every further send
 * of the run would fail the same way, so the run stops sending. A recipient refused with a 5xx
 * (EENVELOPE) or a refused message (EMESSAGE) is not.
 */
export function isConnectionFailure(e: unknown): boolean {
  if (!e || typeof e !== "object") return false;
  const { code, originalCode } = e as { code?: unknown; originalCode?: unknown };
  return (typeof code === "string" && CONNECTION_CODES.has(code)) || (typeof originalCode === "string" && CONNECTION_CODES.has(originalCode));
}

export function createMailer(options: MailerOptions): Mailer {
  const transport: Transporter = nodemailer.createTransport(transportOptions(options));
  return {
    publicUrl: options.publicUrl.replace(/\/+$/, ""),
    async send(message) {
      await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
    close() {
      transport.close();
    },
  };
}

let fromEnv: Mailer | null | undefined;

/** The process's mailer from the environment, or null when email is not configured. */
export function mailerFromEnv(): Mailer | null {
  if (fromEnv === undefined) {
    const mail = env().mail;
    fromEnv = mail ? createMailer(mail) : null;
  }
  return fromEnv;
}

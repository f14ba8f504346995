/**
 * Outgoing email through nodemailer (docs/notifications.md). One SMTP transport per process,
 * built from PANTAU_SMTP_URL, PANTAU_MAIL_FROM and PANTAU_PUBLIC_URL (checked in
 * app/env.server.ts); without them no email is sent. Every connection has time-outs, so a mail
 * server that hangs makes one send fail instead of stalling the scheduler. Who receives what is
 * decided in app/models/reminders.server.ts: only the recipient's own app_user.email.
 */
import nodemailer, { type Transporter } from "nodemailer";
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

export function createMailer(options: MailerOptions): Mailer {
  const url = new URL(options.smtpUrl);
  const secure = url.protocol === "smtps:";
  const timeout = options.timeoutMs ?? SMTP_TIMEOUT_MS;
  const user = decodeURIComponent(url.username);
  const transport: Transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // One connection per message: a reminder run sends a handful, and a pool would outlive a failed server.
    pool: false,
  });
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

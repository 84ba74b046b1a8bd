import nodemailer from "nodemailer";
import { Config } from "../config";

interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** BCP 47, sent as Content-Language. */
  language: string;
}

/** The one way Akashi sends e-mail (NOT-1). Resolves when the SMTP server accepted the message. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** An SMTP mailer from `SMTP_URL`, or null when e-mail is off (notices then stay unsent). */
export function createMailer(config: Pick<Config, "smtpUrl" | "mailFrom">): Mailer | null {
  if (!config.smtpUrl) return null;
  // One connection per message: notices are few, and a fresh connection never carries a broken
  // session from an earlier failure into the next attempt.
  const transport = nodemailer.createTransport(
    { url: config.smtpUrl, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 },
    { from: config.mailFrom },
  );
  return {
    async send(m: MailMessage): Promise<void> {
      const info = await transport.sendMail({
        to: m.to,
        subject: m.subject,
        text: m.text,
        headers: { "Content-Language": m.language },
      });
      // NOT-2: only a message the server accepted for every recipient counts as sent.
      if (info.rejected.length > 0) throw new Error(`SMTP server rejected ${info.rejected.join(", ")}`);
    },
    close: () => transport.close(),
  };
}

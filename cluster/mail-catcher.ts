// The cluster's mail server, as mailpit is compose's: a real SMTP server (the smtp-server package)
// with STARTTLS under the cluster's own certificate, which appends every accepted message to a
// JSON-lines file. Counting Message-IDs there is how the cluster suite proves one email per key.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  messageId: string;
  to: string[];
  subject: string;
  receivedAt: string;
}

const header = (raw: string, name: string): string => {
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(raw);
  return match ? match[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : '';
};

export async function startMailCatcher(options: {
  port: number;
  file: string;
  key: Buffer;
  cert: Buffer;
}): Promise<{ close: () => Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    logger: false,
    key: options.key,
    cert: options.cert,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const mail: CaughtMail = {
          messageId: header(raw, 'Message-ID'),
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: header(raw, 'Subject'),
          receivedAt: new Date().toISOString(),
        };
        appendFileSync(options.file, `${JSON.stringify(mail)}\n`);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  // A client that dies mid-conversation (a SIGKILLed worker) resets its connection; the server
  // reports that as an 'error' event, which must not bring the whole cluster down.
  server.on('error', () => undefined);
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Every message the catcher accepted, oldest first. */
export function caughtMail(file: string): CaughtMail[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as CaughtMail);
}

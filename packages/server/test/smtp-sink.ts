/**
 * A tiny SMTP server for the outreach tests: accepts every message (AUTH PLAIN/LOGIN too) and keeps
 * it; `decide` may answer a message with a temporary or permanent refusal, or stall (never answer,
 * as if the server took the message and the sender died before hearing so).
 */
import net from 'node:net';

export interface Received {
  from: string;
  to: string;
  raw: string;
  subject: string;
  text: string;
}

export type Decision = 'ok' | 'stall' | 'temporary' | 'permanent';

export interface SmtpSink {
  port: number;
  received: Received[];
  decide: (m: Received, index: number) => Decision;
  close(): Promise<void>;
}

function decodeWord(s: string): string {
  return s.replace(/=\?UTF-8\?B\?([^?]+)\?=/gi, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

export function parseMessage(raw: string): { subject: string; text: string } {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const subject = decodeWord(/^Subject: (.*)$/m.exec(head)?.[1] ?? '');
  const body = rest.join('\r\n\r\n').replace(/\r\n/g, '');
  return { subject, text: /base64/i.test(head) ? Buffer.from(body, 'base64').toString('utf8') : body };
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sockets = new Set<net.Socket>();
  const sink: SmtpSink = {
    port: 0,
    received: [],
    decide: () => 'ok',
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setEncoding('utf8');
    let buf = '';
    let inData = false;
    let authStep = 0;
    let from = '';
    let to = '';
    const say = (s: string) => socket.write(`${s}\r\n`);
    say('220 sink ESMTP');
    socket.on('data', (d: string) => {
      buf += d;
      for (;;) {
        if (inData) {
          const end = buf.indexOf('\r\n.\r\n');
          if (end < 0) return;
          const raw = buf.slice(0, end).replace(/\r\n\.\./g, '\r\n.');
          buf = buf.slice(end + 5);
          inData = false;
          const m: Received = { from, to, raw, ...parseMessage(raw) };
          const decision = sink.decide(m, sink.received.length);
          if (decision === 'temporary') say('451 4.3.0 try again later');
          else if (decision === 'permanent') say('550 5.1.1 mailbox unavailable');
          else {
            sink.received.push(m);
            if (decision === 'ok') say('250 2.0.0 queued');
          }
          continue;
        }
        const i = buf.indexOf('\r\n');
        if (i < 0) return;
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const cmd = line.slice(0, 4).toUpperCase();
        if (authStep === 1) {
          authStep = 2;
          say('334 UGFzc3dvcmQ6');
        } else if (authStep === 2) {
          authStep = 0;
          say('235 2.7.0 ok');
        } else if (cmd === 'EHLO' || cmd === 'HELO') say('250-sink\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME');
        else if (cmd === 'AUTH') {
          if (/LOGIN/i.test(line)) {
            authStep = 1;
            say('334 VXNlcm5hbWU6');
          } else say('235 2.7.0 ok');
        } else if (cmd === 'MAIL') {
          from = /<([^>]*)>/.exec(line)?.[1] ?? '';
          say('250 ok');
        } else if (cmd === 'RCPT') {
          to = /<([^>]*)>/.exec(line)?.[1] ?? '';
          say('250 ok');
        } else if (cmd === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (cmd === 'QUIT') {
          say('221 bye');
          socket.end();
        } else if (cmd === 'RSET' || cmd === 'NOOP') say('250 ok');
        else say('502 unknown');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  sink.port = typeof addr === 'object' && addr ? addr.port : 0;
  return sink;
}

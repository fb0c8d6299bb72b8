/**
 * A small SMTP client (RFC 5321) for outreach mail: plain TCP or TLS from the start (port 465),
 * EHLO, STARTTLS when the server offers it on a plain connection, AUTH PLAIN / LOGIN when a user is
 * set, one message per connection, UTF-8 subject (RFC 2047) and a base64 text body. Errors carry
 * the reply code so the caller can tell a temporary refusal (4xx, connection trouble: retry) from a
 * permanent one (5xx: give up). The abort signal closes the connection at once.
 */
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';

export interface SmtpConfig {
  host: string;
  port: number;
  /** TLS from the first byte (465). */
  secure: boolean;
  user: string;
  pass: string;
  /** Accept any certificate (tests, self-signed relays). */
  insecureTls?: boolean;
  timeoutMs?: number;
}

export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Extra headers (Message-ID, List-Unsubscribe…). */
  headers?: Record<string, string>;
}

export class SmtpError extends Error {
  constructor(
    message: string,
    /** The server's reply code, 0 for connection trouble. */
    readonly code: number,
  ) {
    super(message);
    this.name = 'SmtpError';
  }
  /** 4xx and connection trouble may succeed later; 5xx will not. */
  get temporary(): boolean {
    return this.code === 0 || (this.code >= 400 && this.code < 500);
  }
}

const encodeWord = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`);

/** The message as RFC 5322 text (CRLF lines, body base64 in 76-character lines). */
export function formatMessage(m: MailMessage, date = new Date()): string {
  const headers: Record<string, string> = {
    From: m.from,
    To: m.to,
    Subject: encodeWord(m.subject),
    Date: date.toUTCString().replace('GMT', '+0000'),
    'MIME-Version': '1.0',
    'Content-Type': 'text/plain; charset=UTF-8',
    'Content-Transfer-Encoding': 'base64',
    ...m.headers,
  };
  const body = Buffer.from(m.text, 'utf8')
    .toString('base64')
    .replace(/.{1,76}/g, '$&\r\n');
  return `${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v.replace(/[\r\n]+/g, ' ')}`)
    .join('\r\n')}\r\n\r\n${body}`;
}

/** The bare address of `Name <a@b>` or `a@b`. */
export function addressOf(s: string): string {
  const m = /<([^>]+)>/.exec(s);
  return (m ? m[1]! : s).trim();
}

class Conn {
  private buf = '';
  private waiters: { resolve: (r: { code: number; text: string }) => void; reject: (e: Error) => void }[] = [];
  private failed: Error | null = null;

  constructor(
    public socket: net.Socket,
    private readonly timeoutMs: number,
  ) {
    this.attach(socket);
  }

  attach(socket: net.Socket) {
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      this.buf += d;
      this.drain();
    });
    const fail = (e: Error) => {
      this.failed ??= e;
      for (const w of this.waiters.splice(0)) w.reject(this.failed);
    };
    socket.on('error', (e) => fail(new SmtpError(`连接邮件服务器出错：${e.message}`, 0)));
    socket.on('close', () => fail(new SmtpError('邮件服务器关闭了连接', 0)));
    socket.setTimeout(this.timeoutMs, () => {
      fail(new SmtpError('邮件服务器响应超时', 0));
      socket.destroy();
    });
  }

  private drain() {
    // A reply is complete at a line "ddd text" (a hyphen after the code means more lines follow).
    for (;;) {
      const lines = this.buf.split('\r\n');
      let end = -1;
      for (let i = 0; i < lines.length - 1; i++)
        if (/^\d{3}( |$)/.test(lines[i]!)) {
          end = i;
          break;
        }
      if (end < 0 || !this.waiters.length) return;
      const reply = lines.slice(0, end + 1);
      this.buf = lines.slice(end + 1).join('\r\n');
      const code = Number(reply[end]!.slice(0, 3));
      this.waiters.shift()!.resolve({ code, text: reply.map((l) => l.slice(4)).join('\n') });
    }
  }

  read(): Promise<{ code: number; text: string }> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.drain();
    });
  }

  async cmd(line: string | null, expect: number[], what: string): Promise<string> {
    if (line !== null) this.socket.write(`${line}\r\n`);
    const r = await this.read();
    if (!expect.includes(r.code)) throw new SmtpError(`${what}被拒绝：${r.code} ${r.text}`, r.code);
    return r.text;
  }
}

function connect(cfg: SmtpConfig, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(new SmtpError(`无法连接邮件服务器 ${cfg.host}:${cfg.port}：${e.message}`, 0));
    const socket = cfg.secure
      ? tls.connect({ host: cfg.host, port: cfg.port, servername: cfg.host, rejectUnauthorized: !cfg.insecureTls }, () => resolve(socket))
      : net.connect({ host: cfg.host, port: cfg.port }, () => resolve(socket));
    socket.once('error', onError);
    signal?.addEventListener('abort', () => socket.destroy(new Error('aborted')), { once: true });
  });
}

/** Send one message; resolves with the server's acceptance text. */
export async function sendMail(cfg: SmtpConfig, m: MailMessage, signal?: AbortSignal): Promise<string> {
  if (signal?.aborted) throw new SmtpError('发送已中止', 0);
  const socket = await connect(cfg, signal);
  const conn = new Conn(socket, cfg.timeoutMs ?? 30_000);
  try {
    await conn.cmd(null, [220], '连接');
    const helo = os.hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
    let ext = await conn.cmd(`EHLO ${helo}`, [250], 'EHLO');
    if (!cfg.secure && /^STARTTLS$/im.test(ext)) {
      await conn.cmd('STARTTLS', [220], 'STARTTLS');
      const secured = await new Promise<tls.TLSSocket>((resolve, reject) => {
        const t = tls.connect({ socket, servername: cfg.host, rejectUnauthorized: !cfg.insecureTls }, () => resolve(t));
        t.once('error', (e) => reject(new SmtpError(`TLS 握手失败：${e.message}`, 0)));
      });
      socket.removeAllListeners('data');
      conn.attach(secured);
      ext = await conn.cmd(`EHLO ${helo}`, [250], 'EHLO');
    }
    if (cfg.user) {
      if (/AUTH[ =][^\n]*PLAIN/i.test(ext))
        await conn.cmd(`AUTH PLAIN ${Buffer.from(`\0${cfg.user}\0${cfg.pass}`).toString('base64')}`, [235], '登录（AUTH PLAIN）');
      else {
        await conn.cmd('AUTH LOGIN', [334], '登录（AUTH LOGIN）');
        await conn.cmd(Buffer.from(cfg.user).toString('base64'), [334], '登录用户名');
        await conn.cmd(Buffer.from(cfg.pass).toString('base64'), [235], '登录密码');
      }
    }
    await conn.cmd(`MAIL FROM:<${addressOf(m.from)}>`, [250], '发件人');
    await conn.cmd(`RCPT TO:<${addressOf(m.to)}>`, [250, 251], '收件人');
    await conn.cmd('DATA', [354], 'DATA');
    // Dot-stuffing: a line starting with "." gets another one.
    const data = formatMessage(m).replace(/(^|\r\n)\./g, '$1..');
    const accepted = await conn.cmd(`${data}${data.endsWith('\r\n') ? '' : '\r\n'}.`, [250], '邮件内容');
    conn.socket.write('QUIT\r\n');
    return accepted;
  } finally {
    setTimeout(() => conn.socket.destroy(), 50).unref();
  }
}
